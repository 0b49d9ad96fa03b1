import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { TerraformStack } from 'cdktf';
import { check, findings, PROD, testStack } from '../testing/fixtures';

const LOGS = {
  logDriver: 'awslogs',
  options: {
    'awslogs-group': '/automock/dev',
    'awslogs-region': 'us-east-1',
    'awslogs-stream-prefix': 'mock',
  },
};

function taskDefinition(stack: TerraformStack, containers: object[] | string) {
  return new EcsTaskDefinition(stack, 'td', {
    family: 'petstore',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: typeof containers === 'string' ? containers : JSON.stringify(containers),
  });
}

describe('ECS rules', () => {
  test('AM-ECS-1: a cluster with Container Insights passes', () => {
    const { app, stack } = testStack();
    new EcsCluster(stack, 'c', {
      name: 'c',
      setting: [{ name: 'containerInsights', value: 'enhanced' }],
    });
    expect(findings(check(app), 'AM-ECS-1')).toHaveLength(0);
  });

  test('AM-ECS-1: a cluster without Container Insights is a warning in dev, an error in prod', () => {
    for (const [env, severity] of [
      [undefined, 'warning'],
      [PROD, 'error'],
    ] as const) {
      const { app, stack } = testStack(env);
      new EcsCluster(stack, 'c', { name: 'c' });
      const f = findings(check(app, env), 'AM-ECS-1');
      expect(f.map((x) => x.severity)).toEqual([severity]);
    }
  });

  test('AM-ECS-2 and AM-ECS-3: logging containers with secrets passed as secrets pass', () => {
    const { app, stack } = testStack();
    taskDefinition(stack, [
      {
        name: 'mockserver',
        image: 'mockserver/mockserver:5.15.0',
        logConfiguration: LOGS,
        environment: [
          { name: 'MOCKSERVER_LIVENESS_HTTP_GET_PATH', value: '/liveness/probe' },
          { name: 'MOCKSERVER_TLS_PRIVATE_KEY_PATH', value: '/config/key.pem' },
          { name: 'CONFIG_OBJECT_KEY', value: 'petstore/expectations.json' },
        ],
        secrets: [
          { name: 'API_TOKEN', valueFrom: 'arn:aws:ssm:us-east-1:111111111111:parameter/t' },
        ],
      },
    ]);
    const r = check(app);
    expect(findings(r, 'AM-ECS-2')).toHaveLength(0);
    expect(findings(r, 'AM-ECS-3')).toHaveLength(0);
  });

  test('AM-ECS-2: a container without logConfiguration is caught', () => {
    const { app, stack } = testStack();
    taskDefinition(stack, [
      { name: 'mockserver', image: 'm', logConfiguration: LOGS },
      { name: 'loader', image: 'l' },
    ]);
    const f = findings(check(app), 'AM-ECS-2');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/container loader/);
  });

  test('AM-ECS-2: container definitions that are not static JSON are reported, not skipped', () => {
    const { app, stack } = testStack();
    taskDefinition(stack, '${jsonencode(local.containers)}');
    expect(findings(check(app), 'AM-ECS-2')[0]!.message).toMatch(/not static JSON/);
  });

  test.each(['DB_PASSWORD', 'GITHUB_TOKEN', 'CLIENT_SECRET', 'API_KEY', 'CONFIG_KEY'])(
    'AM-ECS-3: plain environment variable %s is caught',
    (name) => {
      const { app, stack } = testStack();
      taskDefinition(stack, [
        {
          name: 'app',
          image: 'a',
          logConfiguration: LOGS,
          environment: [{ name, value: 'hunter2' }],
        },
      ]);
      expect(findings(check(app), 'AM-ECS-3')[0]!.message).toContain(`container app: ${name}`);
    },
  );
});
