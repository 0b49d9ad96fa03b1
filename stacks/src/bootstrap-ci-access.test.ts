import {
  ENV_TAG,
  GITHUB_OIDC_HOST,
  permissionsBoundaryArn,
  RESOURCE_ACTIONS,
  TAGGED_WILDCARD_CREATES,
  WILDCARD_ONLY_ACTIONS,
} from '@automock/ci-access';
import { decide, decideAssume, Decision } from '@automock/test-support/iam';
import {
  controlPlaneSecretName,
  defineEnvironment,
  Environment,
  PolicyDocument,
  projectStateKey,
} from '@automock/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BootstrapStack } from './bootstrap-stack';
import { ENVIRONMENTS } from './environments';
import { GITHUB_CI } from './github';
import { PROJECTS } from './projects';
import { synthesizeApp } from './synthesize-app';
import {
  CiRequest,
  managedPolicy,
  readStacks,
  requestsFor,
  rolePolicies,
  SynthStack,
} from './testing/ci-requests';

// The CI roles of the synthesised bootstrap stacks, asked through @cloud-copilot/iam-simulate
// (AWS's evaluation logic, offline) about every call Terraform makes for every resource the
// synthesised environment and project stacks hold.

const REPO = `${GITHUB_CI.owner}/${GITHUB_CI.repository}`;
const q = (
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
  why = 'case',
): CiRequest => ({ action, resource, context, why, creating: false });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synth(options: Parameters<typeof synthesizeApp>[0] = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ci-access-'));
  dirs.push(outdir);
  const { app } = synthesizeApp({ outdir, ...options });
  const stacks = readStacks(app, outdir);
  const bootstraps = app.node.children.filter(
    (c): c is BootstrapStack => c instanceof BootstrapStack,
  );
  return { app, stacks, bootstraps };
}

interface Roles {
  readonly env: Environment;
  readonly bootstrap: SynthStack;
  readonly apply: PolicyDocument[];
  readonly plan: PolicyDocument[];
  readonly drift: PolicyDocument[];
  readonly boundary: PolicyDocument;
}

function rolesOf(env: Environment, stacks: SynthStack[], bootstraps: BootstrapStack[]): Roles {
  const b = bootstraps.find((x) => x.environments.includes(env))!;
  const bootstrap = stacks.find((s) => s.info.name === b.info.name)!;
  return {
    env,
    bootstrap,
    apply: rolePolicies(bootstrap, `${env.prefix}-${env.name}-github-apply`),
    plan: rolePolicies(bootstrap, `${env.prefix}-${env.name}-github-plan`),
    drift: rolePolicies(bootstrap, `${env.prefix}-${env.name}-github-drift`),
    boundary: managedPolicy(bootstrap, `${env.prefix}-${env.name}-boundary`),
  };
}

const principal = (env: Environment, kind: 'plan' | 'apply') => ({
  accountId: env.accountId,
  roleArn: `arn:aws:iam::${env.accountId}:role/${env.prefix}-${env.name}-github-${kind}`,
});

/** The decisions that differ from `expected`, one line each. */
async function mismatches(
  roles: Roles,
  kind: 'plan' | 'apply',
  requests: readonly CiRequest[],
  expected: (q: CiRequest) => 'Allowed' | 'not Allowed',
): Promise<string[]> {
  const out: string[] = [];
  for (const q of requests) {
    const d: Decision = await decide(principal(roles.env, kind), roles[kind], q);
    const want = expected(q);
    if ((want === 'Allowed') !== (d === 'Allowed'))
      out.push(
        `${roles.env.name} ${kind}: ${q.action} on ${q.resource} ${JSON.stringify(q.context)} [${q.why}] -> ${d}, expected ${want}`,
      );
  }
  return out;
}

const envStacks = (stacks: SynthStack[], env: Environment) =>
  stacks.filter((s) => s.info.kind !== 'bootstrap' && s.info.environment === env.name);

function suite(title: string, build: () => ReturnType<typeof synth>, envs: readonly Environment[]) {
  describe(title, () => {
    const { stacks, bootstraps } = build();
    const roles = new Map(envs.map((e) => [e.name, rolesOf(e, stacks, bootstraps)]));
    const sameAccount = (e: Environment) =>
      envs.filter((o) => o !== e && o.accountId === e.accountId);

    test.each(envs.map((e) => [e.name, e] as const))(
      'apply role of %s: allowed every action of the mapping for every resource of its stacks; the other environments of its account are not',
      async (_n, env) => {
        const requests = await requestsFor(env, envStacks(stacks, env), stacks, 'all');
        expect(requests.length).toBeGreaterThan(100);
        expect(await mismatches(roles.get(env.name)!, 'apply', requests, () => 'Allowed')).toEqual(
          [],
        );
        for (const other of sameAccount(env)) {
          // Service-linked roles belong to the account, not to an environment: any may create them.
          // Cloud Map reads the private hosted zone it creates for a namespace as the caller; the
          // zone's id is AWS's and Route 53 has no tag conditions, so that one read-only call
          // (the zone's metadata, not its records) is open to every environment of the account
          // (packages/ci-access/README.md). Every write to a zone stays scoped.
          const scoped = requests.filter(
            (c) =>
              (c.resource !== '*' || TAGGED_WILDCARD_CREATES.has(c.action)) &&
              c.action !== 'iam:CreateServiceLinkedRole' &&
              !(
                c.action === 'route53:GetHostedZone' &&
                c.why.includes('aws_service_discovery_private_dns_namespace')
              ),
          );
          expect(
            await mismatches(roles.get(other.name)!, 'apply', scoped, () => 'not Allowed'),
          ).toEqual([]);
        }
      },
    );

    test.each(envs.map((e) => [e.name, e] as const))(
      'plan role of %s: allowed every refresh read of its stacks, and none of the writes',
      async (_n, env) => {
        const reads = await requestsFor(env, envStacks(stacks, env), stacks, 'read');
        expect(await mismatches(roles.get(env.name)!, 'plan', reads, () => 'Allowed')).toEqual([]);
        const all = await requestsFor(env, envStacks(stacks, env), stacks, 'all');
        const readKeys = new Set(reads.map((q) => q.action));
        const writes = all.filter((q) => !readKeys.has(q.action));
        expect(writes.length).toBeGreaterThan(50);
        expect(await mismatches(roles.get(env.name)!, 'plan', writes, () => 'not Allowed')).toEqual(
          [],
        );
        for (const other of sameAccount(env)) {
          const scoped = reads.filter((q) => q.resource !== '*');
          expect(
            await mismatches(roles.get(other.name)!, 'plan', scoped, () => 'not Allowed'),
          ).toEqual([]);
        }
      },
    );

    test.each(envs.map((e) => [e.name, e] as const))(
      'state of %s: its own keys and locks only; never another environment’s, the bootstrap’s, or another region’s bucket',
      async (_n, env) => {
        const r = roles.get(env.name)!;
        const bucket = stacks.find((s) => s.info.environment === env.name)!.info.stateBucket;
        const keys = envStacks(stacks, env).map((s) => s.info.backendKey);
        const lock = `arn:aws:dynamodb:${r.bootstrap.info.region}:${env.accountId}:table/${env.prefix}-terraform-locks`;
        const own: CiRequest[] = keys.flatMap((k) => [
          q('s3:GetObject', `arn:aws:s3:::${bucket}/${k}`, {}, k),
          q('s3:PutObject', `arn:aws:s3:::${bucket}/${k}`, {}, k),
          q('s3:PutObject', `arn:aws:s3:::${bucket}/${k}.tflock`, {}, k),
          q('s3:DeleteObject', `arn:aws:s3:::${bucket}/${k}.tflock`, {}, k),
          q('dynamodb:PutItem', lock, { 'dynamodb:LeadingKeys': [`${bucket}/${k}`] }, k),
          q('dynamodb:GetItem', lock, { 'dynamodb:LeadingKeys': [`${bucket}/${k}-md5`] }, k),
          q('s3:ListBucket', `arn:aws:s3:::${bucket}`, { 's3:prefix': 'env:/' }, k),
        ]);
        expect(await mismatches(r, 'apply', own, () => 'Allowed')).toEqual([]);
        // A plan writes only the lock.
        expect(
          await mismatches(r, 'plan', own, (c) =>
            c.action === 's3:PutObject' && !c.resource.endsWith('.tflock')
              ? 'not Allowed'
              : 'Allowed',
          ),
        ).toEqual([]);
        const others = [
          ...envs.filter((o) => o !== env).map((o) => `envs/${o.name}/terraform.tfstate`),
          ...envs.filter((o) => o !== env).map((o) => projectStateKey(o.name, 'petstore')),
          `bootstrap/${r.bootstrap.info.region}/terraform.tfstate`,
          `stacks/${env.name}/petstore/cdk.tf.json`,
          `archive/${env.name}/petstore/terraform.tfstate`,
        ];
        const foreign: CiRequest[] = [
          ...others.flatMap((k) => [
            q('s3:PutObject', `arn:aws:s3:::${bucket}/${k}`, {}, k),
            q('s3:DeleteObject', `arn:aws:s3:::${bucket}/${k}.tflock`, {}, k),
            q('dynamodb:DeleteItem', lock, { 'dynamodb:LeadingKeys': [`${bucket}/${k}`] }, k),
          ]),
          q(
            's3:PutObject',
            `arn:aws:s3:::${env.prefix}-tfstate-${env.accountId}-eu-central-1/envs/${env.name}/terraform.tfstate`,
            {},
            'other region',
          ),
          // the other environments' stacks where their state really is (another region's bucket too)
          ...stacks
            .filter((o) => o.info.kind !== 'bootstrap' && o.info.environment !== env.name)
            .flatMap((o) => [
              q(
                's3:GetObject',
                `arn:aws:s3:::${o.info.stateBucket}/${o.info.backendKey}`,
                {},
                o.info.name,
              ),
              q(
                's3:PutObject',
                `arn:aws:s3:::${o.info.stateBucket}/${o.info.backendKey}`,
                {},
                o.info.name,
              ),
            ]),
          ...bootstraps.map((b) =>
            q(
              's3:PutObject',
              `arn:aws:s3:::${b.info.stateBucket}/${b.info.backendKey}`,
              {},
              b.info.name,
            ),
          ),
          q('s3:PutBucketPolicy', `arn:aws:s3:::${bucket}`, {}, 'state bucket'),
          q(
            's3:DeleteObjectVersion',
            `arn:aws:s3:::${bucket}/envs/${env.name}/terraform.tfstate`,
            {},
            'state history',
          ),
        ];
        for (const kind of ['apply', 'plan'] as const)
          expect(await mismatches(r, kind, foreign, () => 'not Allowed')).toEqual([]);
      },
    );

    test.each(envs.map((e) => [e.name, e] as const))(
      'secrets of %s: plan and apply read the value of their control-plane tokens only, never another secret or environment',
      async (_n, env) => {
        const r = roles.get(env.name)!;
        const secret = (name: string) =>
          `arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:${name}-AbC123`;
        const others = envs.filter((o) => o !== env);
        const token = secret(controlPlaneSecretName(env.prefix, env.name, 'petstore'));
        const readable = [q('secretsmanager:GetSecretValue', token, {}, 'own token')];
        const unreadable = [
          // an application secret a project's tasks get by ARN, next to the token
          secret(`${env.prefix}/${env.name}/db-password`),
          secret(`${env.prefix}/${env.name}/petstore/db-password`),
          secret(`${env.prefix}/${env.name}-eu/petstore/control-plane-token`),
          secret('payroll/prod/api-key'),
          ...others.map((o) => secret(controlPlaneSecretName(o.prefix, o.name, 'petstore'))),
        ].map((arn) => q('secretsmanager:GetSecretValue', arn, {}, arn));
        const params = [
          q(
            'ssm:GetParameter',
            `arn:aws:ssm:${env.region}:${env.accountId}:parameter/${env.prefix}/${env.name}/x`,
          ),
        ];
        // Only an environment whose CI-managed stacks (its declared projects) hold a token gets to
        // read one: permissions are derived from them.
        const holdsTokens = PROJECTS.some((d) => d.env === env.name);
        for (const kind of ['plan', 'apply'] as const) {
          expect(
            await mismatches(r, kind, readable, () => (holdsTokens ? 'Allowed' : 'not Allowed')),
          ).toEqual([]);
          expect(
            await mismatches(r, kind, [...unreadable, ...params], () => 'not Allowed'),
          ).toEqual([]);
        }
        // Another environment's roles cannot read this one's token either.
        for (const o of others)
          for (const kind of ['plan', 'apply'] as const)
            expect(
              await mismatches(roles.get(o.name)!, kind, readable, () => 'not Allowed'),
            ).toEqual([]);
      },
    );

    // Issue 13: a workload's generated secrets (a version in Terraform) are read on refresh; its
    // other secrets (the value a person puts) are not, nor another environment's.
    test.each(envs.map((e) => [e.name, e] as const))(
      "workload secrets of %s: plan and apply read the values of its declared workloads' generated secrets only",
      async (_n, env) => {
        const r = roles.get(env.name)!;
        const secret = (name: string) =>
          `arn:aws:secretsmanager:${env.region}:${env.accountId}:secret:${name}-AbC123`;
        const workloadSecrets = (e: Environment) =>
          stacks
            .filter((x) => x.info.kind === 'workload' && x.info.environment === e.name)
            .flatMap((x) => {
              const res = x.json.resource ?? {};
              const versioned = new Set(
                Object.values<any>(res.aws_secretsmanager_secret_version ?? {}).map(
                  (v) => /^\$\{aws_secretsmanager_secret\.([^.]+)\.id\}$/.exec(v.secret_id)![1],
                ),
              );
              return Object.entries<any>(res.aws_secretsmanager_secret ?? {}).map(([id, b]) => ({
                name: String(b.name),
                generated: versioned.has(id),
              }));
            });
        const own = workloadSecrets(env);
        const generated = own.filter((x) => x.generated);
        const readable = generated.map((x) => q('secretsmanager:GetSecretValue', secret(x.name)));
        const unreadable = [
          ...own.filter((x) => !x.generated).map((x) => x.name),
          ...envs.filter((o) => o !== env).flatMap((o) => workloadSecrets(o).map((x) => x.name)),
          ...generated.map((x) => `${x.name}-old`),
          ...generated.map((x) => x.name.replace(/\/[^/]+$/, '/undeclared')),
        ].map((n) => q('secretsmanager:GetSecretValue', secret(n), {}, n));
        for (const kind of ['plan', 'apply'] as const) {
          expect(await mismatches(r, kind, readable, () => 'Allowed')).toEqual([]);
          expect(await mismatches(r, kind, unreadable, () => 'not Allowed')).toEqual([]);
        }
        // The seeds: sandbox-broker in staging and prod generates two and leaves the CSP token
        // to a person; orders in dev generates none.
        if (env.name === 'staging' || env.name === 'prod') {
          expect(own.map((x) => [x.name.split('/').pop(), x.generated]).sort()).toEqual([
            ['broker-admin-token', true],
            ['broker-api-token', true],
            ['csp-api-token', false],
          ]);
        }
      },
    );

    test.each(envs.map((e) => [e.name, e] as const))(
      'KMS keys of %s: the apply role creates and manages keys tagged for its environment only',
      async (_n, env) => {
        const r = roles.get(env.name)!;
        const key = `arn:aws:kms:${env.region}:${env.accountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        // The key policy delegates to the account's IAM policies (as notification-key.ts writes it).
        const keyPolicy: PolicyDocument = {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${env.accountId}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        };
        const onKey = (
          action: string,
          context: Record<string, string | string[]>,
          why: string,
        ) => ({
          ...q(action, key, context, why),
          resourcePolicy: keyPolicy,
        });
        const own = { [`aws:ResourceTag/${ENV_TAG}`]: env.name };
        const foreign = { [`aws:ResourceTag/${ENV_TAG}`]: 'elsewhere' };
        const tagging = (value: string) => ({
          [`aws:RequestTag/${ENV_TAG}`]: value,
          'aws:TagKeys': [ENV_TAG],
        });
        expect(
          await mismatches(
            r,
            'apply',
            [
              q('kms:CreateKey', '*', tagging(env.name), 'create'),
              onKey('kms:TagResource', tagging(env.name), 'tags of a new key'),
              onKey('kms:ScheduleKeyDeletion', own, 'own key'),
              onKey('kms:PutKeyPolicy', own, 'own key'),
            ],
            () => 'Allowed',
          ),
        ).toEqual([]);
        expect(
          await mismatches(
            r,
            'apply',
            [
              q('kms:CreateKey', '*', tagging('elsewhere'), 'create for another environment'),
              q('kms:CreateKey', '*', {}, 'create untagged'),
              onKey('kms:ScheduleKeyDeletion', foreign, 'another environment key'),
              onKey('kms:ScheduleKeyDeletion', {}, 'an untagged key'),
              onKey('kms:PutKeyPolicy', foreign, 'another environment key'),
              onKey('kms:DisableKey', foreign, 'another environment key'),
              onKey('kms:TagResource', { ...foreign, ...tagging(env.name) }, 'retag a key'),
              onKey('kms:UntagResource', { ...own, 'aws:TagKeys': [ENV_TAG] }, 'drop the env tag'),
              onKey('kms:Decrypt', own, 'data'),
              q(
                'kms:DeleteAlias',
                `arn:aws:kms:${env.region}:${env.accountId}:alias/payroll-key`,
                {},
                'another alias',
              ),
            ],
            () => 'not Allowed',
          ),
        ).toEqual([]);
        expect(
          await mismatches(
            r,
            'plan',
            [onKey('kms:ScheduleKeyDeletion', own, 'plan'), onKey('kms:Decrypt', own, 'plan')],
            () => 'not Allowed',
          ),
        ).toEqual([]);
      },
    );

    test.each(envs.map((e) => [e.name, e] as const))(
      'apply role of %s: no AdministratorAccess, no role without the boundary, never the boundary or the CI roles',
      async (_n, env) => {
        const r = roles.get(env.name)!;
        const boundary = permissionsBoundaryArn('aws', env.accountId, env.prefix, env.name);
        const role = `arn:aws:iam::${env.accountId}:role/${env.prefix}-${env.name}-anything`;
        const denied = [
          q('iam:AttachRolePolicy', role, {
            'iam:PermissionsBoundary': boundary,
            'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess',
          }),
          q('iam:CreateRole', role),
          q('iam:CreateRole', role, {
            'iam:PermissionsBoundary': permissionsBoundaryArn(
              'aws',
              env.accountId,
              env.prefix,
              'other',
            ),
          }),
          q('iam:PutRolePolicy', role),
          q('iam:DeleteRolePermissionsBoundary', role, { 'iam:PermissionsBoundary': boundary }),
          q('iam:DeletePolicy', boundary),
          q('iam:CreatePolicyVersion', boundary),
          q('iam:SetDefaultPolicyVersion', boundary),
          ...envs.flatMap((o) =>
            ['plan', 'apply'].flatMap((k) => {
              const ci = `arn:aws:iam::${o.accountId}:role/${o.prefix}-${o.name}-github-${k}`;
              return [
                q('iam:UpdateAssumeRolePolicy', ci, { 'iam:PermissionsBoundary': boundary }),
                q('iam:PutRolePolicy', ci, { 'iam:PermissionsBoundary': boundary }),
                q('iam:DeleteRole', ci),
                q('iam:PassRole', ci, { 'iam:PassedToService': 'lambda.amazonaws.com' }),
              ];
            }),
          ),
          q('iam:PassRole', role, { 'iam:PassedToService': 'ec2.amazonaws.com' }),
        ];
        expect(await mismatches(r, 'apply', denied, () => 'not Allowed')).toEqual([]);
        expect(
          await mismatches(
            r,
            'apply',
            [q('iam:CreateRole', role, { 'iam:PermissionsBoundary': boundary })],
            () => 'Allowed',
          ),
        ).toEqual([]);
      },
    );

    test.each(envs.map((e) => [e.name, e] as const))(
      'the drift role of %s holds the plan role’s documents, so every plan decision above is the drift role’s too',
      (_n, env) => {
        const r = roles.get(env.name)!;
        expect(r.plan.length).toBeGreaterThan(1);
        expect(r.drift).toEqual(r.plan);
      },
    );

    test('every role the stacks create carries its environment’s boundary (or the apply role could not create it)', () => {
      for (const s of stacks.filter((x) => x.info.kind !== 'bootstrap')) {
        const env = envs.find((e) => e.name === s.info.environment)!;
        for (const [id, role] of Object.entries<any>(s.json.resource.aws_iam_role ?? {}))
          expect([s.info.name, id, role.permissions_boundary]).toEqual([
            s.info.name,
            id,
            permissionsBoundaryArn('aws', env.accountId, env.prefix, env.name),
          ]);
      }
    });

    test.each(envs.map((e) => [e.name, e] as const))(
      'trust of %s: apply only from its GitHub environment on main; plan only from pull requests of the repository; drift only from main outside an environment',
      async (_n, env) => {
        const r = roles.get(env.name)!;
        const roleJson = (kind: string) =>
          Object.values<any>(r.bootstrap.json.resource.aws_iam_role).find(
            (x) => x.name === `${env.prefix}-${env.name}-github-${kind}`,
          );
        const provider = `arn:aws:iam::${env.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`;
        const trust = (kind: string) =>
          JSON.parse(
            String(roleJson(kind).assume_role_policy).replace(
              /\$\{aws_iam_openid_connect_provider\.[^.]+\.arn\}/g,
              provider,
            ),
          ) as PolicyDocument;
        const can = (
          kind: string,
          sub: string,
          aud = 'sts.amazonaws.com',
          repoProvider = provider,
        ) =>
          decideAssume(
            trust(kind),
            { providerArn: repoProvider, host: GITHUB_OIDC_HOST, aud, sub },
            `arn:aws:iam::${env.accountId}:role/${env.prefix}-${env.name}-github-${kind}`,
          );
        const other = envs.find((o) => o !== env)!;
        expect(await can('apply', `repo:${REPO}:environment:${env.name}:ref:refs/heads/main`)).toBe(
          'Allowed',
        );
        for (const sub of [
          `repo:${REPO}:environment:${env.name}:ref:refs/heads/feature`,
          `repo:someone/${GITHUB_CI.repository}:environment:${env.name}:ref:refs/heads/main`,
          `repo:${REPO}:pull_request:ref:refs/pull/7/merge`,
          `repo:${REPO}:environment:${other.name}:ref:refs/heads/main`,
          `repo:${REPO}:ref:refs/heads/main:ref:refs/heads/main`,
        ])
          expect([sub, await can('apply', sub)]).not.toEqual([sub, 'Allowed']);
        expect(
          await can(
            'apply',
            `repo:${REPO}:environment:${env.name}:ref:refs/heads/main`,
            'https://github.com/x',
          ),
        ).not.toBe('Allowed');
        expect(await can('plan', `repo:${REPO}:pull_request:ref:refs/pull/7/merge`)).toBe(
          'Allowed',
        );
        // a fork's pull request: its token (when it gets one) names the fork
        expect(
          await can(
            'plan',
            `repo:someone/${GITHUB_CI.repository}:pull_request:ref:refs/pull/7/merge`,
          ),
        ).not.toBe('Allowed');
        expect(
          await can('plan', `repo:${REPO}:environment:${env.name}:ref:refs/heads/main`),
        ).not.toBe('Allowed');
        // drift: the scheduled check on main, outside any GitHub environment, and nothing else
        expect(await can('drift', `repo:${REPO}:ref:refs/heads/main:ref:refs/heads/main`)).toBe(
          'Allowed',
        );
        for (const sub of [
          `repo:${REPO}:pull_request:ref:refs/pull/7/merge`,
          `repo:${REPO}:environment:${env.name}:ref:refs/heads/main`,
          `repo:${REPO}:ref:refs/heads/feature:ref:refs/heads/feature`,
          `repo:someone/${GITHUB_CI.repository}:ref:refs/heads/main:ref:refs/heads/main`,
        ])
          expect([sub, await can('drift', sub)]).not.toEqual([sub, 'Allowed']);
        expect(await can('plan', `repo:${REPO}:ref:refs/heads/main:ref:refs/heads/main`)).not.toBe(
          'Allowed',
        );
        expect(roleJson('apply').max_session_duration).toBeGreaterThanOrEqual(7200);
      },
    );
  });
}

// The default app, synthesised once for every describe below (none changes what it reads).
let defaultApp: ReturnType<typeof synth> | undefined;
const synthDefault = () => (defaultApp ??= synth({}));

const DEFAULT = ENVIRONMENTS;
suite('the default app', synthDefault, DEFAULT);

// Two environments in one account, in two regions: two state buckets, one IAM.
const PAIR = [
  defineEnvironment({
    name: 'dev',
    accountId: '333333333333',
    region: 'us-east-1',
    taskPlacement: 'public',
  }),
  defineEnvironment({
    name: 'qa',
    accountId: '333333333333',
    region: 'eu-west-1',
    vpcCidr: '10.1.0.0/16',
    flowLogs: true,
  }),
];
suite(
  'two environments of one account in two regions',
  () => synth({ definitions: PAIR, declaredProjects: false, declaredWorkloads: false }),
  PAIR,
);

describe('the checks above can fail', () => {
  const { stacks, bootstraps } = synthDefault();
  const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
  const staging = ENVIRONMENTS.find((e) => e.name === 'staging')!;
  const r = rolesOf(dev, stacks, bootstraps);

  test('a policy missing the queue statement is caught on the queue’s calls', async () => {
    const requests = await requestsFor(dev, envStacks(stacks, dev), stacks, 'all');
    const broken = {
      ...r,
      apply: r.apply.map((d) => ({ ...d, Statement: d.Statement.filter((x) => x.Sid !== 'Sqs') })),
    };
    const found = await mismatches(broken, 'apply', requests, () => 'Allowed');
    expect(found.length).toBeGreaterThan(0);
    for (const line of found) expect(line).toMatch(/ sqs:/);
  });

  test('a policy widened to every object is caught on another environment’s state', async () => {
    const widened = {
      ...r,
      apply: [
        ...r.apply,
        {
          Version: '2012-10-17' as const,
          Statement: [
            { Effect: 'Allow' as const, Action: 's3:PutObject', Resource: 'arn:aws:s3:::*/*' },
          ],
        },
      ],
    };
    const key = envStacks(stacks, staging)[0]!.info;
    const found = await mismatches(
      widened,
      'apply',
      [q('s3:PutObject', `arn:aws:s3:::${key.stateBucket}/${key.backendKey}`)],
      () => 'not Allowed',
    );
    expect(found).toHaveLength(1);
  });
});

// Issue 14: seed 004's myapp (dev-myapp) on dev's database subnets. The simulation above covers
// its calls; these make sure the harness asks them on the ARNs AWS authorises them against, and
// that each family is decided by its own statement.
describe('dev-myapp: the database tier, EFS, SES, Cognito and the HTTP API', () => {
  const { stacks, bootstraps } = synthDefault();
  const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
  const r = rolesOf(dev, stacks, bootstraps);
  const at = (svc: string, rest: string) => `arn:aws:${svc}:${dev.region}:${dev.accountId}:${rest}`;
  const requests = requestsFor(
    dev,
    stacks.filter((s) => s.info.name === 'dev' || s.info.name === 'dev-myapp'),
    stacks,
    'all',
  );
  const on = async (re: RegExp) => (await requests).filter((c) => re.test(c.resource));

  test('the calls name the resources by their ARNs: RDS by name, the SSM parameters by path, EFS, SES and Cognito by id or identity', async () => {
    const resources = new Set((await requests).map((c) => c.resource));
    for (const arn of [
      at('rds', `subgrp:${dev.prefix}-dev-database`),
      at('rds', `pg:${dev.prefix}-dev-myapp-postgres`),
      at('rds', `db:${dev.prefix}-dev-myapp`),
      ...['host', 'port', 'database', 'username'].map((k) =>
        at('ssm', `parameter/dev/myapp/postgres_${k}`),
      ),
      at('ses', 'identity/mail.example.com'),
      at('ses', 'identity/admin@example.com'),
      at('ses', `configuration-set/${dev.prefix}-dev-myapp-mail`),
    ])
      expect([arn, resources.has(arn)]).toEqual([arn, true]);
    for (const re of [
      /:elasticfilesystem:[^:]+:\d+:file-system\/fs-[0-9a-f]{15}$/,
      /:elasticfilesystem:[^:]+:\d+:access-point\/fsap-[0-9a-f]{15}$/,
      /:cognito-idp:[^:]+:\d+:userpool\/us-east-1_\w{9}$/,
      /:secretsmanager:[^:]+:\d+:secret:rds!db-[0-9a-f-]+-\w{6}$/,
    ])
      expect([String(re), (await on(re)).length > 0]).toEqual([String(re), true]);
  });

  test('the HTTP API: created on its collection tagged for dev, its routes under the API by its tags, tag changes on /tags/<arn>; each decided by its own statement', async () => {
    const gw = (await requests).filter((c) => c.action.startsWith('apigateway:'));
    const path = (c: CiRequest) => c.resource.replace(/^arn:aws:apigateway:[^:]+::/, '');
    const creates = gw.filter((c) => c.why.includes('(create)') && c.action === 'apigateway:POST');
    expect(creates.map(path).sort()).toEqual(
      expect.arrayContaining([
        '/apis',
        '/vpclinks',
        expect.stringMatching(/^\/apis\/a[0-9a-f]{8}\/routes$/),
        expect.stringMatching(/^\/apis\/a[0-9a-f]{8}\/integrations$/),
        expect.stringMatching(/^\/apis\/a[0-9a-f]{8}\/authorizers$/),
        expect.stringMatching(/^\/apis\/a[0-9a-f]{8}\/stages$/),
      ]),
    );
    const api = creates.find((c) => path(c) === '/apis')!;
    expect(api.context[`aws:RequestTag/${ENV_TAG}`]).toBe('dev');
    const route = creates.find((c) => path(c).endsWith('/routes'))!;
    expect(route.context[`aws:ResourceTag/${ENV_TAG}`]).toBe('dev');
    const tagging = gw.filter((c) => path(c).startsWith('/tags/'));
    expect(tagging.length).toBeGreaterThan(0);
    expect(await mismatches(r, 'apply', gw, () => 'Allowed')).toEqual([]);
    const without = (sid: string) => ({
      ...r,
      apply: r.apply.map((d) => ({
        ...d,
        Statement: d.Statement.filter((x) => x.Sid !== sid),
      })),
    });
    expect(
      await mismatches(without('ApigatewayCreate'), 'apply', [api], () => 'not Allowed'),
    ).toEqual([]);
    expect(
      await mismatches(without('ApigatewayOwn'), 'apply', [route], () => 'not Allowed'),
    ).toEqual([]);
    expect(
      await mismatches(without('ApigatewayTags'), 'apply', tagging, () => 'not Allowed'),
    ).toEqual([]);
    // The plan role reads them and writes none.
    expect(await mismatches(r, 'plan', [api, route], () => 'not Allowed')).toEqual([]);
  });

  test("RDS's own calls for the master secret are decided by their statements, and only by them", async () => {
    const byRds = (await requests).filter((c) => c.why.endsWith('(RDS, as the caller)'));
    expect(byRds.map((c) => c.action).sort()).toEqual([
      'kms:DescribeKey',
      'secretsmanager:CreateSecret',
      'secretsmanager:TagResource',
    ]);
    expect(await mismatches(r, 'apply', byRds, () => 'Allowed')).toEqual([]);
    const without = {
      ...r,
      apply: r.apply.map((d) => ({
        ...d,
        Statement: d.Statement.filter((x) => !String(x.Sid).startsWith('RdsManagedMasterSecret')),
      })),
    };
    expect(await mismatches(without, 'apply', byRds, () => 'not Allowed')).toEqual([]);
    // The plan role creates no secret and reads no key.
    expect(await mismatches(r, 'plan', byRds, () => 'not Allowed')).toEqual([]);
  });

  test("the seed's password parameter, another environment's parameters and databases stay out of reach", async () => {
    const refused = [
      q('ssm:PutParameter', at('ssm', 'parameter/dev/myapp/postgres_password')),
      q('ssm:GetParameter', at('ssm', 'parameter/dev/myapp/backend/pg_database_password')),
      q('ssm:GetParameter', at('ssm', 'parameter/staging/myapp/postgres_host')),
      q('rds:DeleteDBInstance', at('rds', `db:${dev.prefix}-staging-myapp`)),
      q('rds:ModifyDBParameterGroup', at('rds', `pg:${dev.prefix}-staging-myapp-postgres`)),
      q('rds:DeleteDBSubnetGroup', at('rds', 'subgrp:default')),
      q('secretsmanager:GetSecretValue', at('secretsmanager', 'secret:rds!db-0123-AbC123')),
    ];
    for (const kind of ['plan', 'apply'] as const)
      expect(await mismatches(r, kind, refused, () => 'not Allowed')).toEqual([]);
  });
});

describe('the mapping and the app', () => {
  test('every resource type the default app synthesises has a row', () => {
    const { stacks } = synthDefault();
    const types = new Set(
      stacks
        .filter((s) => s.info.kind !== 'bootstrap')
        .flatMap((s) => Object.keys(s.json.resource ?? {})),
    );
    for (const t of types) expect([t, RESOURCE_ACTIONS[t] !== undefined]).toEqual([t, true]);
    expect(WILDCARD_ONLY_ACTIONS.size).toBeGreaterThan(10);
  });
});
