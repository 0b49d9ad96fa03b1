/**
 * A small app with the shape of `@automock/stacks` (buildApp, AutomockStack, ENVIRONMENTS) whose
 * stacks hold only `terraform_data` resources, so real terraform can init, plan, apply and
 * migrate them offline against s3rver and dynalite. Tests point `AUTOMOCK_APP_MODULE` at this
 * file. Read at build time (not import time):
 * - `AUTOMOCK_TEST_S3_ENDPOINT` / `AUTOMOCK_TEST_DYNAMODB_ENDPOINT`: backend endpoints;
 * - `AUTOMOCK_TEST_VARIANT`: `2` changes the environment stack (one replace, one destroy).
 */
import {
  bootstrapStateKey,
  defineEnvironment,
  ENV_OUTPUT,
  Environment,
  environmentStateKey,
  IssueCollector,
  PROJECT_OUTPUT,
  ProjectInput,
  projectStateKey,
  stateBackendNames,
} from '@automock/core';
import { AutomockStack, StackInfo, StateOptions, synthWithGuardrails } from '@automock/stacks';
import { App, TerraformOutput, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

export { AutomockStack };

export const ENVIRONMENTS: readonly Environment[] = [
  defineEnvironment({
    name: 'test',
    accountId: '123456789012',
    region: 'us-east-1',
    taskPlacement: 'public',
    defaultTtlHours: 4,
  }),
  defineEnvironment({
    name: 'other',
    accountId: '123456789012',
    region: 'us-east-1',
    taskPlacement: 'public',
    vpcCidr: '10.1.0.0/16',
    // Projects never expire by default, as in production.
    defaultTtlHours: 0,
  }),
];

/** The repository `automock doctor` checks on GitHub (the fake GitHub of the tests serves it). */
export const GITHUB_CI = {
  owner: 'acme',
  repository: 'mock-infra',
  protectedEnvironments: ['other'],
};

/** `terraform_data` from terraform's built-in provider: no download needed. */
class Data extends TerraformResource {
  constructor(scope: Construct, id: string, input: unknown) {
    super(scope, id, { terraformResourceType: 'terraform_data' });
    this.addOverride('input', input);
  }
}

class TestStack extends AutomockStack {
  constructor(
    scope: Construct,
    name: string,
    info: Omit<StackInfo, 'name' | 'stateBucket' | 'lockTable'>,
    env: Environment,
    state: StateOptions,
  ) {
    super(scope, name, info, stateBackendNames(env.prefix, env.accountId, env.region), state);
  }
}

export interface TestAppOptions {
  readonly outdir?: string;
  readonly context?: Record<string, unknown>;
  readonly environments?: readonly string[];
  readonly projects?: readonly { env: string; project: ProjectInput }[];
}

/** Builds, checks against the guardrails and writes the app, like the real synthesizeApp. */
export function synthesizeApp(options: TestAppOptions = {}) {
  const app = buildApp(options);
  return { app, policy: synthWithGuardrails(app) };
}

export function buildApp(options: TestAppOptions = {}): App {
  const issues = new IssueCollector();
  for (const n of options.environments ?? []) {
    if (!ENVIRONMENTS.some((e) => e.name === n))
      issues.add('env', n, `must be one of ${ENVIRONMENTS.map((e) => e.name).join(', ')}`);
  }
  issues.throwIfAny('environment selection');
  const selected = options.environments?.length
    ? ENVIRONMENTS.filter((e) => options.environments!.includes(e.name))
    : ENVIRONMENTS;
  const s3 = process.env.AUTOMOCK_TEST_S3_ENDPOINT;
  const state: StateOptions = s3
    ? { backendEndpoints: { s3, dynamodb: process.env.AUTOMOCK_TEST_DYNAMODB_ENDPOINT } }
    : {};
  const variant = process.env.AUTOMOCK_TEST_VARIANT ?? '1';
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  const first = ENVIRONMENTS[0]!;

  const boot = new TestStack(
    app,
    `bootstrap-${first.region}`,
    {
      kind: 'bootstrap',
      region: first.region,
      accountId: first.accountId,
      backendKey: bootstrapStateKey(first.region),
    },
    first,
    state,
  );
  const names = stateBackendNames(first.prefix, first.accountId, first.region);
  new Data(boot, 'state', names);
  new TerraformOutput(boot, 'state_bucket', { value: names.bucket });

  for (const env of selected) {
    const stack = new TestStack(
      app,
      env.name,
      {
        kind: 'environment',
        environment: env.name,
        region: env.region,
        accountId: env.accountId,
        backendKey: environmentStateKey(env.name),
      },
      env,
      state,
    );
    new Data(stack, 'network', { cidr: env.vpcCidr, variant: variant === '2' ? 'b' : 'a' });
    if (variant !== '2') new Data(stack, 'extra', { keep: false });
    new Data(stack, 'cluster', { name: `${env.name}-cluster` });
    new TerraformOutput(stack, ENV_OUTPUT.clusterName, { value: `${env.name}-cluster` });
  }

  for (const { env: envName, project: p } of options.projects ?? []) {
    const env = ENVIRONMENTS.find((e) => e.name === envName)!;
    const name = `${env.name}-${p.name}`;
    const stack = new TestStack(
      app,
      name,
      {
        kind: 'project',
        environment: env.name,
        project: p.name,
        region: env.region,
        accountId: env.accountId,
        backendKey: projectStateKey(env.name, p.name),
      },
      env,
      state,
    );
    new Data(stack, 'service', {
      size: p.size ?? env.defaultSize,
      ttl: p.ttlHours ?? env.defaultTtlHours,
      // What the deploy handed out for the shared ALB, as the real stack's listener would use.
      ...(p.listenerPort === undefined ? {} : { listener_port: p.listenerPort }),
    });
    // Priced by `automock cost`; only the fake terraform ever sees these.
    const tags = {
      Project: p.name,
      Environment: env.name,
      ManagedBy: 'automock',
      'automock:env': env.name,
      'automock:project': p.name,
    };
    const containers = [
      {
        name: 'mockserver',
        image: 'mockserver/mockserver:9.4.0',
        user: '65532:65532',
        readonlyRootFilesystem: true,
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/automock/${name}`,
            'awslogs-region': env.region,
            'awslogs-stream-prefix': 'mock',
          },
        },
      },
    ];
    stack.addOverride('resource.aws_ecs_task_definition.mock', {
      family: name,
      cpu: '256',
      memory: '512',
      container_definitions: JSON.stringify(containers),
      tags,
    });
    stack.addOverride('resource.aws_ecs_service.mock', {
      name,
      tags,
      desired_count: p.minTasks ?? 1,
      task_definition: '${aws_ecs_task_definition.mock.arn}',
      network_configuration: { assign_public_ip: true },
    });
    new TerraformOutput(stack, PROJECT_OUTPUT.url, { value: `http://test-alb.example.com:10001` });
    new TerraformOutput(stack, PROJECT_OUTPUT.clusterName, { value: `${env.name}-cluster` });
    new TerraformOutput(stack, PROJECT_OUTPUT.serviceName, { value: name });
  }
  return app;
}
