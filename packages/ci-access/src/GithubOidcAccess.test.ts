import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest';
import { GITHUB_OIDC_HOST, GithubOidcAccess, GithubOidcAccessProps } from './GithubOidcAccess';
import { canAssumeWithWebIdentity, PolicyDocument } from './policy-document';

const REPO = 'acme/mock-infra';
const base: GithubOidcAccessProps = {
  github: { owner: 'acme', repository: 'mock-infra' },
  accountId: '111111111111',
  environments: [
    {
      name: 'dev',
      stateBucket: 'automock-tfstate-111111111111-us-east-1',
      lockTable: 'automock-terraform-locks',
      stateRegion: 'us-east-1',
    },
    {
      name: 'prod',
      stateBucket: 'automock-tfstate-111111111111-us-east-1',
      lockTable: 'automock-terraform-locks',
      stateRegion: 'us-east-1',
      applyTrust: 'environment',
    },
  ],
};

interface Synth {
  resource: Record<string, Record<string, Record<string, any>>>;
}

function synth(props: Partial<GithubOidcAccessProps> = {}): {
  json: Synth;
  access: GithubOidcAccess;
  stack: TerraformStack;
} {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'bootstrap');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const access = new GithubOidcAccess(stack, 'ci', { ...base, ...props });
  return { json: JSON.parse(Testing.synth(stack)) as Synth, access, stack };
}

function roleByName(json: Synth, name: string): Record<string, any> {
  const role = Object.values(json.resource.aws_iam_role).find((r) => r.name === name);
  if (!role) throw new Error(`no role ${name}`);
  return role;
}

function policiesOf(json: Synth, roleName: string): PolicyDocument[] {
  const ref = roleIdFor(json, roleName);
  return Object.values(json.resource.aws_iam_role_policy)
    .filter((p) => String(p.role).includes(ref))
    .map((p) => JSON.parse(p.policy as string) as PolicyDocument);
}

function roleIdFor(json: Synth, name: string): string {
  const [id] = Object.entries(json.resource.aws_iam_role).find(([, r]) => r.name === name)!;
  return `aws_iam_role.${id}.`;
}

const claims = {
  pr: { aud: 'sts.amazonaws.com', sub: `repo:${REPO}:pull_request` },
  main: { aud: 'sts.amazonaws.com', sub: `repo:${REPO}:ref:refs/heads/main` },
  branch: { aud: 'sts.amazonaws.com', sub: `repo:${REPO}:ref:refs/heads/feature` },
  devEnv: { aud: 'sts.amazonaws.com', sub: `repo:${REPO}:environment:dev` },
  prodEnv: { aud: 'sts.amazonaws.com', sub: `repo:${REPO}:environment:prod` },
  forkPr: { aud: 'sts.amazonaws.com', sub: 'repo:mallory/mock-infra:pull_request' },
  otherAud: { aud: 'https://github.com/acme', sub: `repo:${REPO}:pull_request` },
  caseTrick: { aud: 'sts.amazonaws.com', sub: `repo:ACME/mock-infra:pull_request` },
};

describe('GithubOidcAccess', () => {
  const { json } = synth();
  const providerIds = Object.keys(json.resource.aws_iam_openid_connect_provider);
  const providerRef = `\${aws_iam_openid_connect_provider.${providerIds[0]}.arn}`;
  const trust = (name: string): PolicyDocument =>
    JSON.parse(roleByName(json, name).assume_role_policy as string) as PolicyDocument;
  const can = (name: string, c: { aud: string; sub: string }, providerArn = providerRef): boolean =>
    canAssumeWithWebIdentity(trust(name), {
      providerArn,
      providerHost: GITHUB_OIDC_HOST,
      claims: c,
    });

  test('creates the GitHub OIDC provider with the STS audience and the documented thumbprints', () => {
    expect(Testing.synth(synth().stack)).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
      thumbprint_list: [
        '6938fd4d98bab03faadb97b34396831e3780aea1',
        '1c58a3a8518e8759bf075b76b750d4f2df264fcd',
      ],
    });
    expect(providerIds).toHaveLength(1);
    // every role trusts exactly this provider
    for (const role of Object.values(json.resource.aws_iam_role))
      expect(role.assume_role_policy).toContain(providerRef);
  });

  test('names two roles per environment through core naming', () => {
    expect(
      Object.values(json.resource.aws_iam_role)
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      'automock-dev-github-apply',
      'automock-dev-github-plan',
      'automock-prod-github-apply',
      'automock-prod-github-plan',
    ]);
    expect(Testing.synth(synth().stack)).toHaveResourceWithProperties(IamRole, {
      max_session_duration: 3600,
    });
  });

  test('plan role: assumable from a pull request, not from a push to main, a branch, an environment or a fork', () => {
    expect(can('automock-dev-github-plan', claims.pr)).toBe(true);
    expect(can('automock-dev-github-plan', claims.main)).toBe(false);
    expect(can('automock-dev-github-plan', claims.branch)).toBe(false);
    expect(can('automock-dev-github-plan', claims.devEnv)).toBe(false);
    expect(can('automock-dev-github-plan', claims.forkPr)).toBe(false);
  });

  test('apply role: assumable from main or its own GitHub environment, not from a pull request', () => {
    expect(can('automock-dev-github-apply', claims.main)).toBe(true);
    expect(can('automock-dev-github-apply', claims.devEnv)).toBe(true);
    expect(can('automock-dev-github-apply', claims.pr)).toBe(false);
    expect(can('automock-dev-github-apply', claims.branch)).toBe(false);
    expect(can('automock-dev-github-apply', claims.prodEnv)).toBe(false);
  });

  test("prod's apply role (applyTrust 'environment') only from the prod environment, so reviewers cannot be skipped", () => {
    expect(can('automock-prod-github-apply', claims.prodEnv)).toBe(true);
    expect(can('automock-prod-github-apply', claims.main)).toBe(false);
    expect(can('automock-prod-github-apply', claims.devEnv)).toBe(false);
    expect(can('automock-prod-github-apply', claims.pr)).toBe(false);
  });

  test('a wrong audience, another case of the owner, or another identity provider is refused', () => {
    expect(can('automock-dev-github-plan', claims.pr)).toBe(true);
    expect(can('automock-dev-github-plan', claims.otherAud)).toBe(false);
    expect(can('automock-dev-github-plan', claims.caseTrick)).toBe(false);
    expect(
      can(
        'automock-dev-github-plan',
        claims.pr,
        'arn:aws:iam::111111111111:oidc-provider/example.com',
      ),
    ).toBe(false);
  });

  test('trust uses StringEquals on aud and sub only, no wildcard anywhere', () => {
    for (const role of Object.values(json.resource.aws_iam_role)) {
      const doc = JSON.parse(role.assume_role_policy as string) as PolicyDocument;
      expect(doc.Statement).toHaveLength(1);
      const cond = doc.Statement[0]!.Condition!;
      expect(Object.keys(cond)).toEqual(['StringEquals']);
      expect(Object.keys(cond.StringEquals!).sort()).toEqual([
        `${GITHUB_OIDC_HOST}:aud`,
        `${GITHUB_OIDC_HOST}:sub`,
      ]);
      expect(role.assume_role_policy).not.toMatch(/\*/);
    }
  });

  test('plan role: ReadOnlyAccess plus state read and lock write, scoped to the state bucket and lock table', () => {
    const attachments = Object.values(json.resource.aws_iam_role_policy_attachment);
    expect(attachments).toContainEqual(
      expect.objectContaining({
        policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        role: expect.stringContaining(roleIdFor(json, 'automock-dev-github-plan')),
      }),
    );
    const [doc] = policiesOf(json, 'automock-dev-github-plan');
    const bucket = 'arn:aws:s3:::automock-tfstate-111111111111-us-east-1';
    expect(doc!.Statement).toEqual([
      expect.objectContaining({ Action: 's3:ListBucket', Resource: bucket }),
      expect.objectContaining({ Action: 's3:GetObject', Resource: `${bucket}/*` }),
      expect.objectContaining({
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: `${bucket}/*.tflock`,
      }),
      expect.objectContaining({
        Action: [
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
        ],
        Resource: 'arn:aws:dynamodb:us-east-1:111111111111:table/automock-terraform-locks',
      }),
    ]);
  });

  test('apply role: no wildcard actions; IAM limited to the prefix and denied on the CI roles themselves', () => {
    const docs = policiesOf(json, 'automock-dev-github-apply');
    expect(docs).toHaveLength(3);
    const statements = docs.flatMap((d) => d.Statement);
    for (const s of statements) for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*/);
    const roles = statements.find((s) => s.Sid === 'ProjectRoles')!;
    expect(roles.Resource).toBe('arn:aws:iam::111111111111:role/automock-*');
    const deny = statements.find((s) => s.Sid === 'NotTheCiRoles')!;
    expect(deny.Effect).toBe('Deny');
    expect(deny.Resource).toEqual(
      expect.arrayContaining([
        'arn:aws:iam::111111111111:role/automock-dev-github-apply',
        'arn:aws:iam::111111111111:role/automock-prod-github-plan',
      ]),
    );
    expect(deny.Action).toEqual(
      expect.arrayContaining([
        'iam:UpdateAssumeRolePolicy',
        'iam:AttachRolePolicy',
        'iam:PutRolePolicy',
        'iam:PassRole',
      ]),
    );
    const attachments = Object.values(json.resource.aws_iam_role_policy_attachment).filter((a) =>
      String(a.role).includes(roleIdFor(json, 'automock-dev-github-apply')),
    );
    expect(attachments.map((a) => a.policy_arn)).toEqual([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    ]);
  });

  test("apply role deploys only in its environment's account and region, never '*' but for task definitions", () => {
    const statements = policiesOf(json, 'automock-dev-github-apply').flatMap((d) => d.Statement);
    const deploy = statements.filter((s) =>
      ['Network', 'Ecs', 'LoadBalancing', 'Logs', 'Reaper'].includes(s.Sid!),
    );
    expect(deploy).toHaveLength(5);
    for (const s of deploy)
      expect(s.Resource).toMatch(/^arn:aws:[a-z0-9-]+:us-east-1:111111111111:\*$/);
    for (const s of statements.filter(
      (x) => x.Effect === 'Allow' && [x.Resource].flat().includes('*'),
    )) {
      expect(s.Action).toEqual(['ecs:RegisterTaskDefinition', 'ecs:DeregisterTaskDefinition']);
    }
    expect(statements.find((s) => s.Sid === 'ConfigBuckets')!.Resource).toEqual([
      'arn:aws:s3:::automock-*',
      'arn:aws:s3:::automock-*/*',
    ]);
    expect(statements.find((s) => s.Sid === 'Dns')).toBeUndefined();
  });

  test('the state bucket matches the bucket prefix but CI may not reconfigure or delete it', () => {
    const deny = policiesOf(json, 'automock-dev-github-apply')
      .flatMap((d) => d.Statement)
      .find((s) => s.Sid === 'ProtectState')!;
    expect(deny.Effect).toBe('Deny');
    expect(deny.Resource).toEqual([
      'arn:aws:s3:::automock-tfstate-111111111111-us-east-1',
      'arn:aws:s3:::automock-tfstate-111111111111-us-east-1/*',
    ]);
    expect(deny.Action).toEqual(
      expect.arrayContaining(['s3:DeleteBucket', 's3:PutBucketPolicy', 's3:DeleteObjectVersion']),
    );
  });

  test("DNS changes only in the environment's hosted zone; a deploy region apart from the state region", () => {
    const { json: j } = synth({
      environments: [
        { ...base.environments[0]!, region: 'eu-west-1', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      ],
    });
    const statements = policiesOf(j, 'automock-dev-github-apply').flatMap((d) => d.Statement);
    expect(statements.find((s) => s.Sid === 'Dns')!.Resource).toEqual([
      'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ',
      'arn:aws:route53:::change/*',
    ]);
    expect(statements.find((s) => s.Sid === 'Network')!.Resource).toBe(
      'arn:aws:ec2:eu-west-1:111111111111:*',
    );
    expect(statements.find((s) => s.Sid === 'StateLockTable')!.Resource).toBe(
      'arn:aws:dynamodb:us-east-1:111111111111:table/automock-terraform-locks',
    );
  });

  test("oidcProvider 'existing' creates none and trusts the account's provider by ARN", () => {
    const { json: j, access } = synth({ oidcProvider: 'existing' });
    expect(j.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(access.oidcProvider).toBeUndefined();
    const arn = 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com';
    expect(access.oidcProviderArn).toBe(arn);
    const doc = JSON.parse(
      roleByName(j, 'automock-dev-github-plan').assume_role_policy as string,
    ) as PolicyDocument;
    expect(
      canAssumeWithWebIdentity(doc, {
        providerArn: arn,
        providerHost: GITHUB_OIDC_HOST,
        claims: claims.pr,
      }),
    ).toBe(true);
  });

  test('mainBranch changes the branch the apply role trusts', () => {
    const { access } = synth({ mainBranch: 'trunk', oidcProvider: 'existing' });
    const req = (sub: string) => ({
      providerArn: access.oidcProviderArn,
      providerHost: GITHUB_OIDC_HOST,
      claims: { aud: 'sts.amazonaws.com', sub },
    });
    expect(
      canAssumeWithWebIdentity(
        access.environments.dev!.applyTrustPolicy,
        req(`repo:${REPO}:ref:refs/heads/trunk`),
      ),
    ).toBe(true);
    expect(
      canAssumeWithWebIdentity(
        access.environments.dev!.applyTrustPolicy,
        req(`repo:${REPO}:ref:refs/heads/main`),
      ),
    ).toBe(false);
  });

  test('invalid configuration names field, value and rule, and creates nothing', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    expect(
      () =>
        new GithubOidcAccess(stack, 'ci', {
          ...base,
          github: { owner: 'acme*', repository: 'repo/x' },
          accountId: '123',
          mainBranch: 'releases/*',
          environments: [base.environments[0]!, { ...base.environments[0]!, stateRegion: 'mars' }],
        }),
    ).toThrow(
      /githubOidcAccess\.github\.owner: got "acme\*"[\s\S]*github\.repository: got "repo\/x"[\s\S]*accountId: got "123"[\s\S]*mainBranch: got "releases\/\*"[\s\S]*environments\[1\]\.name: got "dev", must be unique[\s\S]*environments\[1\]\.stateRegion: got "mars"/,
    );
    expect(stack.node.children.filter((c) => c.node.id === 'ci')).toHaveLength(0);
    expect(() => new GithubOidcAccess(stack, 'ci2', { ...base, environments: [] })).toThrow(
      /environments: got \[\], must list at least one/,
    );
  });
});

describe('canAssumeWithWebIdentity', () => {
  const providerArn = 'arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com';
  const req = { providerArn, providerHost: GITHUB_OIDC_HOST, claims: claims.pr };
  const allow = (Condition: any): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition,
      },
    ],
  });
  test('refuses operators it does not evaluate instead of guessing', () => {
    expect(() =>
      canAssumeWithWebIdentity(
        allow({ StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: 'repo:*' } }),
        req,
      ),
    ).toThrow(/StringLike is not supported/);
  });
  test('a matching Deny wins; a statement for another action does not count', () => {
    const doc = allow({ StringEquals: { [`${GITHUB_OIDC_HOST}:sub`]: claims.pr.sub } });
    expect(canAssumeWithWebIdentity(doc, req)).toBe(true);
    expect(
      canAssumeWithWebIdentity(
        { ...doc, Statement: [...doc.Statement, { ...doc.Statement[0]!, Effect: 'Deny' }] },
        req,
      ),
    ).toBe(false);
    expect(
      canAssumeWithWebIdentity(
        { ...doc, Statement: [{ ...doc.Statement[0]!, Action: 'sts:AssumeRole' }] },
        req,
      ),
    ).toBe(false);
  });
  test('condition keys of another issuer never match', () => {
    expect(
      canAssumeWithWebIdentity(allow({ StringEquals: { 'example.com:sub': claims.pr.sub } }), req),
    ).toBe(false);
  });
});
