import type {} from 'cdktf/lib/testing/adapters/jest';
import { defineEnvironment, ENV_OUTPUT, TAG_ENV } from '@automock/core';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Testing } from 'cdktf';
import { buildApp } from './app';
import { AutomockStack } from './automock-stack';
import { bootstrapGroups } from './bootstrap-stack';
import { ENVIRONMENTS } from './environments';

function stackJson(name: string, opts: Parameters<typeof buildApp>[0] = {}) {
  const app = buildApp(opts);
  const stack = AutomockStack.all(app).find((s) => s.info.name === name);
  if (!stack) throw new Error(`no stack ${name}`);
  return Testing.synth(stack);
}

describe('the app', () => {
  it('has a bootstrap stack per account and region and a stack per environment', () => {
    const names = AutomockStack.all(buildApp()).map((s) => `${s.info.kind}:${s.info.name}`);
    expect(names).toEqual(
      [
        'bootstrap:bootstrap-us-east-1',
        'bootstrap:bootstrap-us-west-2',
        'environment:dev',
        'environment:staging',
        'environment:prod',
      ]
        .concat(names.filter((n) => n.startsWith('project:')))
        // the declared workloads (stacks/workloads/), after the projects
        .concat([
          'workload:dev-ledger',
          'workload:dev-myapp',
          'workload:dev-orders',
          'workload:staging-sandbox-broker',
          'workload:prod-sandbox-broker',
        ]),
    );
  });

  it('names bootstrap stacks by account too when accounts share a region', () => {
    const base = { region: 'eu-west-1', taskPlacement: 'public' as const };
    const groups = bootstrapGroups([
      defineEnvironment({ ...base, name: 'a', accountId: '111111111111' }),
      defineEnvironment({ ...base, name: 'b', accountId: '222222222222' }),
      defineEnvironment({ ...base, name: 'c', accountId: '222222222222' }),
    ]);
    expect(groups.map((g) => [g.name, g.environments.map((e) => e.name)])).toEqual([
      ['bootstrap-eu-west-1-111111111111', ['a']],
      ['bootstrap-eu-west-1-222222222222', ['b', 'c']],
    ]);
  });

  it('selects environments and rejects unknown ones by name', () => {
    expect(AutomockStack.all(buildApp({ environments: ['prod'] })).map((s) => s.info.name)).toEqual(
      expect.arrayContaining(['bootstrap-us-west-2', 'prod']),
    );
    expect(() => buildApp({ environments: ['qa'] })).toThrow(
      /env: got "qa", must be one of dev, staging, prod/,
    );
  });

  it.each(ENVIRONMENTS.map((e) => [e.name, e] as const))(
    '%s: provider pinned to its account, standard default tags, S3 backend',
    (name, env) => {
      const json = JSON.parse(stackJson(name));
      expect(json.provider.aws[0]).toMatchObject({
        region: env.region,
        allowed_account_ids: [env.accountId],
        default_tags: [
          {
            tags: expect.objectContaining({
              [TAG_ENV]: name,
              Environment: name,
              ManagedBy: 'automock-cdktf',
            }),
          },
        ],
      });
      expect(json.terraform.backend.s3).toMatchObject({
        bucket: `automock-tfstate-${env.accountId}-${env.region}`,
        key: `envs/${name}/terraform.tfstate`,
        encrypt: true,
        use_lockfile: true,
        dynamodb_table: 'automock-terraform-locks',
      });
      for (const output of [
        ENV_OUTPUT.vpcId,
        ENV_OUTPUT.publicSubnetIds,
        ENV_OUTPUT.privateSubnetIds,
        ENV_OUTPUT.notificationTopicArn,
      ]) {
        expect(json.output[output]).toBeDefined();
      }
    },
  );

  it('gives dev no NAT gateway (nothing there needs one), staging one and prod one per AZ', () => {
    const count = (name: string) =>
      Object.keys(JSON.parse(stackJson(name)).resource[NatGateway.tfResourceType] ?? {}).length;
    expect(count('dev')).toBe(0);
    expect(count('staging')).toBe(1);
    expect(count('prod')).toBe(3);
  });

  it('dev runs nothing that would need a NAT: public tasks and destroyer, the reaper outside the VPC', () => {
    const dev = JSON.parse(stackJson('dev'));
    const fn = Object.values<any>(dev.resource.aws_lambda_function)[0];
    expect(fn.vpc_config).toBeUndefined();
    const reaperEnv = fn.environment.variables;
    expect(reaperEnv.DESTROYER_PUBLIC_IP).toBe('true');
    expect(reaperEnv.DESTROYER_SUBNETS).toMatch(/PublicSubnet/);
    expect(Object.keys(dev.resource.aws_vpc_endpoint)).toHaveLength(2);
  });

  it('subscribes the notification email where the environment has one', () => {
    expect(stackJson('prod')).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: 'email',
      endpoint: 'platform-oncall@example.com',
    });
    expect(JSON.parse(stackJson('dev')).resource.aws_sns_topic_subscription).toBeUndefined();
  });

  it('points the backend at emulators when asked', () => {
    const json = JSON.parse(
      stackJson('dev', {
        backendEndpoints: { s3: 'http://127.0.0.1:4569', dynamodb: 'http://127.0.0.1:4567' },
      }),
    );
    expect(json.terraform.backend.s3.endpoints).toMatchObject({
      s3: 'http://127.0.0.1:4569',
      dynamodb: 'http://127.0.0.1:4567',
    });
  });
});
