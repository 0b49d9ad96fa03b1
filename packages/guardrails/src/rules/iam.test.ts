import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformStack } from 'cdktf';
import { check, findings, testStack } from '../testing/fixtures';
import { StackModel } from '../model';
import { anyIamGlob, iamGlob, readPolicy } from '../policy-document';
import { DATA_READ_ACTIONS, needsResourceWildcard, RESOURCE_WILDCARD_ACTIONS } from './iam';

const ASSUME = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'ecs-tasks.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
});

const role = (stack: TerraformStack) =>
  new IamRole(stack, 'role', { name: 'task', assumeRolePolicy: ASSUME });

const jsonPolicy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('IAM rules', () => {
  test('scoped policies (JSON, document, inline) and wildcard-only actions on * pass', () => {
    const { app, stack } = testStack();
    const r = role(stack);
    const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
      statement: [
        {
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: ['arn:aws:s3:::automock-dev-cfg/*'],
        },
        { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      ],
    });
    new IamRolePolicy(stack, 'p1', { role: r.name, policy: doc.json });
    new IamPolicy(stack, 'p2', {
      policy: jsonPolicy({
        Effect: 'Allow',
        Action: ['ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        Resource: '*',
      }),
    });
    new IamRole(stack, 'r2', {
      name: 'r2',
      assumeRolePolicy: ASSUME,
      inlinePolicy: [
        {
          name: 'logs',
          policy: jsonPolicy({
            Effect: 'Allow',
            Action: 'logs:PutLogEvents',
            Resource: 'arn:aws:logs:*:*:log-group:/automock/*',
          }),
        },
      ],
    });
    const report = check(app);
    for (const id of ['AM-IAM-1', 'AM-IAM-2', 'AM-IAM-3', 'AM-IAM-4', 'AM-IAM-5'])
      expect(findings(report, id)).toHaveLength(0);
  });

  test('AM-IAM-1: * and service:* actions in JSON and in a policy document are caught', () => {
    const { app, stack } = testStack();
    const r = role(stack);
    new IamPolicy(stack, 'admin', {
      policy: jsonPolicy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::x' }),
    });
    const doc = new DataAwsIamPolicyDocument(stack, 'doc', {
      statement: [{ actions: ['s3:*'], resources: ['arn:aws:s3:::x'] }],
    });
    new IamRolePolicy(stack, 'p', { role: r.name, policy: doc.json });
    const f = findings(check(app), 'AM-IAM-1');
    expect(f.map((x) => x.address).sort()).toEqual([
      'aws_iam_policy.admin',
      'aws_iam_role_policy.p',
    ]);
    expect(f.find((x) => x.address === 'aws_iam_role_policy.p')!.message).toMatch(/s3:\*/);
  });

  test('AM-IAM-1: Deny statements may use wildcards; Allow with NotAction is caught', () => {
    const { app, stack } = testStack();
    new IamPolicy(stack, 'deny', {
      policy: jsonPolicy({ Effect: 'Deny', Action: '*', Resource: '*' }),
    });
    new IamPolicy(stack, 'not', {
      policy: jsonPolicy({ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::x' }),
    });
    expect(findings(check(app), 'AM-IAM-1').map((f) => f.address)).toEqual(['aws_iam_policy.not']);
  });

  test('AM-IAM-2: a scoped action on resource * is caught, in inline role policies too', () => {
    const { app, stack } = testStack();
    new IamRole(stack, 'r', {
      name: 'r',
      assumeRolePolicy: ASSUME,
      inlinePolicy: [
        {
          name: 'x',
          policy: jsonPolicy({
            Effect: 'Allow',
            Action: ['ecr:GetAuthorizationToken', 's3:GetObject'],
            Resource: '*',
          }),
        },
      ],
    });
    const f = findings(check(app), 'AM-IAM-2');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(
      /inline_policy #0 statement #0: allows s3:GetObject on resource \*/,
    );
  });

  test('AM-IAM-2: deletes on * scoped by an aws:ResourceTag condition pass; a Null check alone does not scope', () => {
    const { app, stack } = testStack();
    const tagged = (condition: object) =>
      jsonPolicy({
        Effect: 'Allow',
        Action: ['ecs:DeleteService'],
        Resource: '*',
        Condition: condition,
      });
    new IamPolicy(stack, 'abac', {
      policy: tagged({ StringEquals: { 'aws:ResourceTag/automock:env': 'dev' } }),
    });
    new IamPolicy(stack, 'null', {
      policy: tagged({ Null: { 'aws:ResourceTag/automock:project': 'false' } }),
    });
    expect(findings(check(app), 'AM-IAM-2').map((f) => f.address)).toEqual(['aws_iam_policy.null']);
  });

  test('AM-IAM-5: configuration reads on * warn; data reads on * are AM-IAM-2 errors', () => {
    const { app, stack } = testStack();
    new IamPolicy(stack, 'reads', {
      policy: jsonPolicy(
        { Effect: 'Allow', Action: ['ecs:DescribeServices', 's3:GetBucketPolicy'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 'secretsmanager:GetSecretValue'],
          Resource: '*',
        },
      ),
    });
    const report = check(app);
    expect(findings(report, 'AM-IAM-5').map((f) => [f.severity, f.message])).toEqual([
      [
        'warning',
        expect.stringMatching(/statement #0: allows ecs:DescribeServices, s3:GetBucketPolicy/),
      ],
    ]);
    expect(findings(report, 'AM-IAM-2').map((f) => f.message)).toEqual([
      expect.stringMatching(
        /statement #1: allows s3:GetObject, secretsmanager:GetSecretValue on resource \*/,
      ),
    ]);
  });

  test('AM-IAM-1/2: a policy that cannot be read is reported rather than trusted', () => {
    const { app, stack } = testStack();
    new IamPolicy(stack, 'p', { policy: '${jsonencode(local.policy)}' });
    expect(findings(check(app), 'AM-IAM-1')[0]!.message).toMatch(/cannot be checked/);
  });

  test('AM-IAM-3: attaching AdministratorAccess is caught', () => {
    const { app, stack } = testStack();
    const r = role(stack);
    new IamRolePolicyAttachment(stack, 'a', {
      role: r.name,
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
    new IamRolePolicyAttachment(stack, 'ok', {
      role: r.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    });
    expect(findings(check(app), 'AM-IAM-3').map((f) => f.address)).toEqual([
      'aws_iam_role_policy_attachment.a',
    ]);
  });

  test('AM-IAM-4: PowerUserAccess warns; a scoped managed policy does not', () => {
    const { app, stack } = testStack();
    const r = role(stack);
    new IamRolePolicyAttachment(stack, 'p', {
      role: r.name,
      policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
    });
    new IamRolePolicyAttachment(stack, 'ok', {
      role: r.name,
      policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    const report = check(app);
    expect(findings(report, 'AM-IAM-4').map((f) => [f.address, f.severity])).toEqual([
      ['aws_iam_role_policy_attachment.p', 'warning'],
    ]);
    expect(findings(report, 'AM-IAM-3')).toHaveLength(0);
  });

  test('needsResourceWildcard matches the documented list, globs included', () => {
    expect(needsResourceWildcard(['ec2:DescribeSubnets', 'ecr:GetAuthorizationToken'])).toBe(true);
    expect(needsResourceWildcard(['ec2:TerminateInstances'])).toBe(false);
  });

  test("the X-Ray daemon's sampling reads need *, and other X-Ray reads do not", () => {
    expect(needsResourceWildcard(['xray:GetSamplingRules', 'xray:GetSamplingTargets'])).toBe(true);
    expect(needsResourceWildcard(['xray:GetGroup'])).toBe(false);
    // ...and a user pool has no ARN before it is created
    expect(needsResourceWildcard(['cognito-idp:CreateUserPool'])).toBe(true);
    expect(needsResourceWildcard(['elasticfilesystem:CreateFileSystem'])).toBe(true);
    expect(needsResourceWildcard(['cognito-idp:DeleteUserPool'])).toBe(false);
  });

  test("the sweep's SES listings need * (no resource type); deleting an identity does not", () => {
    expect(needsResourceWildcard(['ses:ListEmailIdentities', 'ses:ListConfigurationSets'])).toBe(
      true,
    );
    expect(needsResourceWildcard(['ses:DeleteEmailIdentity'])).toBe(false);
    expect(needsResourceWildcard(['ses:ListTagsForResource'])).toBe(false);
  });

  test('one expression for a list of globs answers what testing each glob answers', () => {
    const odd = ['a.b+c', '(x)$?', 'ses:*Identit?es', 'S3:Get*', '[z]\\*'];
    for (const patterns of [RESOURCE_WILDCARD_ACTIONS, DATA_READ_ACTIONS, odd]) {
      const any = anyIamGlob(patterns);
      const probes = patterns.flatMap((p) => [
        p,
        p.toUpperCase(),
        p.replace(/\*/g, ''),
        p.replace(/\*/g, 'Xy:z'),
        p.replace(/\?/g, 'q'),
        `${p}x`,
        `x${p}`,
        p.slice(0, -1),
      ]);
      for (const a of [...probes, 'ec2:TerminateInstances', 'aXb+c', '(x)$', '']) {
        expect([a, any(a)]).toEqual([a, patterns.some((p) => iamGlob(p, a))]);
      }
    }
  });

  test("a stack's policies are read once, and what is read cannot be changed by a rule", () => {
    const json = {
      resource: {
        aws_iam_policy: {
          p: { policy: jsonPolicy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }) },
        },
      },
    };
    const model = new StackModel('s', json);
    const policy = json.resource.aws_iam_policy.p.policy;
    const first = readPolicy(model, policy);
    expect(readPolicy(model, policy)).toBe(first);
    expect(first.ok && first.statements.map((s) => s.actions)).toEqual([['s3:*']]);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.ok && Object.isFrozen(first.statements)).toBe(true);
    // Another model of the same JSON reads it again.
    expect(readPolicy(new StackModel('s', json), policy)).not.toBe(first);
    expect(readPolicy(new StackModel('s', json), policy)).toEqual(first);
  });
});
