import { ConfigValidationError } from './errors';
import {
  CostLine,
  estimateCost,
  estimateStackCost,
  expressionReferences,
  USAGE_ASSUMPTIONS,
} from './cost';
import { HOURS_PER_MONTH, PRICES, pricesFor } from './prices';

const STACK = {
  provider: { aws: [{ region: 'us-east-1' }] },
  resource: {
    aws_ecs_task_definition: { td: { cpu: '512', memory: '1024' } },
    aws_ecs_service: {
      svc: {
        desired_count: 1,
        task_definition: '${aws_ecs_task_definition.td.arn}',
        network_configuration: { assign_public_ip: false },
        load_balancer: [
          { container_port: 1080, target_group_arn: '${aws_lb_target_group.tg.arn}' },
        ],
      },
    },
    aws_appautoscaling_target: {
      t: {
        min_capacity: 2,
        max_capacity: 20,
        resource_id: 'service/c/${aws_ecs_service.svc.name}',
      },
    },
    aws_lb: { alb: { load_balancer_type: 'application', subnets: ['a', 'b', 'c'] } },
    aws_nat_gateway: { nat: {} },
    aws_eip: { nat: {} },
    aws_vpc_endpoint: {
      ecr: { vpc_endpoint_type: 'Interface', subnet_ids: ['a', 'b'] },
      s3: { vpc_endpoint_type: 'Gateway' },
    },
    aws_cloudwatch_log_group: { logs: {} },
    aws_s3_bucket: { config: {} },
    aws_dynamodb_table: {
      reg: { billing_mode: 'PAY_PER_REQUEST' },
      old: { billing_mode: 'PROVISIONED' },
    },
    aws_security_group: { sg: {} },
  },
};

describe('estimateStackCost', () => {
  const cost = estimateStackCost('dev-demo', STACK);
  const line = (item: string) => cost.lines.find((l) => l.item === item)!;

  it('prices Fargate at the autoscaling minimum, by vCPU and GB', () => {
    expect(line('Fargate vCPU').hourly).toBeCloseTo(2 * 0.5 * PRICES.fargate.vcpuHour, 8);
    expect(line('Fargate memory').hourly).toBeCloseTo(2 * 1 * PRICES.fargate.gbHour, 8);
    expect(line('Fargate vCPU').basis).toBe('2 tasks x 0.5 vCPU x $0.04048/vCPU-h');
  });

  it('prices the ALB by the hour and its public addresses per subnet, the traffic at the service', () => {
    expect(line('ALB hours').hourly).toBe(PRICES.alb.hour);
    expect(line('Public IPv4 (ALB)').hourly).toBeCloseTo(3 * PRICES.publicIpv4.hour, 8);
    expect(line('ALB LCUs')).toMatchObject({
      resource: 'aws_ecs_service.svc',
      hourly: USAGE_ASSUMPTIONS.albLcuPerHourAtMinimum * PRICES.alb.lcuHour,
      assumption: expect.stringMatching(/1 LCU on average/),
    });
    expect(line('Data transfer out')).toMatchObject({
      hourly: expect.closeTo(
        USAGE_ASSUMPTIONS.internetOutGbPerHourAtMinimum * PRICES.dataTransfer.internetOutGb,
        10,
      ),
      assumption: expect.stringMatching(/responses to the internet/),
    });
  });

  it('prices the autoscaling maximum, LCUs and data out in proportion to the tasks', () => {
    const max = cost.maximum;
    const at = (item: string) => max.lines.find((l) => l.item === item)!;
    expect(max.tasks).toBe(20);
    expect(at('Fargate vCPU').hourly).toBeCloseTo(20 * 0.5 * PRICES.fargate.vcpuHour, 8);
    expect(at('Fargate vCPU').basis).toBe('20 tasks x 0.5 vCPU x $0.04048/vCPU-h');
    expect(at('ALB LCUs').hourly).toBeCloseTo(
      20 * USAGE_ASSUMPTIONS.albLcuPerTaskHourAtMaximum * PRICES.alb.lcuHour,
      8,
    );
    expect(at('Data transfer out').hourly).toBeCloseTo(
      20 * USAGE_ASSUMPTIONS.internetOutGbPerTaskHourAtMaximum * PRICES.dataTransfer.internetOutGb,
      8,
    );
    expect(at('ALB hours').hourly).toBe(line('ALB hours').hourly);
    expect(max.lines.map((l) => l.item)).toEqual(cost.minimum.lines.map((l) => l.item));
  });

  it("prices other task counts, such as the seed's 10 -> 200 load test", () => {
    const load = estimateStackCost('dev-demo', STACK, { tasks: { min: 10, max: 200 } });
    expect([load.minimum.tasks, load.maximum.tasks]).toEqual([10, 200]);
    expect(load.maximum.lines[0]!.basis).toBe('200 tasks x 0.5 vCPU x $0.04048/vCPU-h');
    expect(() => estimateStackCost('dev-demo', STACK, { tasks: { max: -1 } })).toThrow(
      'tasks.max: got -1, must be a whole number of tasks, 0 or more',
    );
    expect(() => estimateStackCost('dev-demo', STACK, { tasks: { min: 5, max: 2 } })).toThrow(
      'tasks.max: got 2, must be at least tasks.min (5)',
    );
  });

  it("uses the price table of the stack's region, and refuses a region without one", () => {
    const west = estimateStackCost('prod-x', {
      ...STACK,
      provider: { aws: [{ region: 'us-west-2' }] },
    });
    expect(west).toMatchObject({ region: 'us-west-2', pricesAsOf: pricesFor('us-west-2').asOf });
    const unpriced = () =>
      estimateStackCost('eu-x', { ...STACK, provider: { aws: [{ region: 'ap-southeast-7' }] } });
    expect(unpriced).toThrow(ConfigValidationError);
    expect(unpriced).toThrow(
      'eu-x.region: got "ap-southeast-7", no price table for region ap-southeast-7; known: us-east-1, us-west-2',
    );
    expect(() => estimateStackCost('none', { resource: {} })).toThrow(
      'none.provider.aws.region: got nothing, must name the region whose prices apply',
    );
    expect(estimateStackCost('none', { resource: {} }, { region: 'us-east-1' }).region).toBe(
      'us-east-1',
    );
  });

  it('prices NAT hours and assumed data, Elastic IPs, interface (not gateway) endpoints per AZ', () => {
    expect(line('NAT gateway hours').hourly).toBe(PRICES.natGateway.hour);
    expect(line('NAT data processed').hourly).toBeCloseTo(
      USAGE_ASSUMPTIONS.natGbPerHour * PRICES.natGateway.gbProcessed,
      8,
    );
    expect(line('Public IPv4 (Elastic IP)').hourly).toBe(PRICES.publicIpv4.hour);
    const endpoints = cost.lines.filter((l) => l.item === 'Interface endpoint');
    expect(endpoints.map((l) => l.resource)).toEqual(['aws_vpc_endpoint.ecr']);
    expect(endpoints[0]!.hourly).toBeCloseTo(
      2 * PRICES.interfaceEndpoint.azHour +
        USAGE_ASSUMPTIONS.endpointGbPerHour * PRICES.interfaceEndpoint.gbProcessed,
      8,
    );
  });

  it('states the assumption of every usage-based line, and prices only on-demand tables', () => {
    for (const item of ['CloudWatch Logs ingestion', 'S3 storage', 'DynamoDB on-demand requests'])
      expect(line(item).assumption).toBeTruthy();
    expect(cost.lines.filter((l) => l.resource.startsWith('aws_dynamodb_table'))).toHaveLength(1);
    expect(cost.lines.some((l) => l.resource.startsWith('aws_security_group'))).toBe(false);
  });

  it('sums to an hourly and monthly total', () => {
    const sum = cost.lines.reduce((a, l) => a + l.hourly, 0);
    expect(cost.hourly).toBeCloseTo(sum, 10);
    expect(cost.monthly).toBeCloseTo(sum * HOURS_PER_MONTH, 8);
  });

  it('uses Spot prices in proportion to the capacity provider weights, and task public IPs', () => {
    const spot = estimateStackCost('s', {
      provider: { aws: { region: 'us-east-1' } },
      resource: {
        aws_ecs_task_definition: { td: { cpu: 1024, memory: 2048 } },
        aws_ecs_service: {
          svc: {
            desired_count: 4,
            task_definition: '${aws_ecs_task_definition.td.arn}',
            capacity_provider_strategy: [{ capacity_provider: 'FARGATE_SPOT', weight: 1 }],
            network_configuration: { assign_public_ip: true },
          },
        },
      },
    });
    const vcpu = spot.lines.find((l) => l.item === 'Fargate Spot vCPU')!;
    expect(vcpu.hourly).toBeCloseTo(
      4 * PRICES.fargate.vcpuHour * (1 - USAGE_ASSUMPTIONS.fargateSpotDiscount),
      8,
    );
    expect(vcpu.assumption).toMatch(/Spot at 70% off the on-demand price/);
    expect(spot.lines.find((l) => l.item === 'Public IPv4 (tasks)')!.hourly).toBeCloseTo(
      4 * PRICES.publicIpv4.hour,
      8,
    );
  });

  it('prices a stack with nothing billable at zero', () => {
    expect(
      estimateStackCost('e', { resource: { terraform_data: { x: {} } } }, { region: 'us-east-1' }),
    ).toMatchObject({
      hourly: 0,
      lines: [],
    });
  });

  it('prices the control-plane secret and the notification key by the month', () => {
    const cost = estimateStackCost(
      'x',
      { resource: { aws_secretsmanager_secret: { token: {} }, aws_kms_key: { k: {} } } },
      { region: 'us-east-1' },
    );
    expect(cost.lines.map((l) => [l.resource, l.hourly * HOURS_PER_MONTH])).toEqual([
      ['aws_secretsmanager_secret.token', expect.closeTo(PRICES.secretsManager.secretMonth, 9)],
      ['aws_kms_key.k', expect.closeTo(PRICES.kms.keyMonth, 9)],
    ]);
  });
});

describe('issue 14 E: database and file systems', () => {
  const month = (resources: Record<string, Record<string, Record<string, unknown>>>) =>
    estimateStackCost('w', { resource: resources }, { region: 'us-east-1' }).lines.map((l) => [
      l.resource,
      l.item,
      l.hourly * HOURS_PER_MONTH,
      l.assumption,
    ]);

  it('prices a database by instance class hour and provisioned gp3 GB-month', () => {
    expect(
      month({ aws_db_instance: { db: { instance_class: 'db.t4g.micro', allocated_storage: 20 } } }),
    ).toEqual([
      [
        'aws_db_instance.db',
        'RDS instance hours',
        expect.closeTo(0.016 * HOURS_PER_MONTH, 9),
        undefined,
      ],
      [
        'aws_db_instance.db',
        'RDS gp3 storage',
        expect.closeTo(20 * 0.115, 9),
        expect.stringMatching(/allocated/),
      ],
    ]);
  });

  it('doubles both for a Multi-AZ standby', () => {
    const [hours, storage] = month({
      aws_db_instance: {
        db: { instance_class: 'db.t4g.small', allocated_storage: 50, multi_az: true },
      },
    });
    expect(hours![2]).toBeCloseTo(
      2 * PRICES.rdsPostgresInstanceHour['db.t4g.small']! * HOURS_PER_MONTH,
      9,
    );
    expect(storage![2]).toBeCloseTo(2 * 50 * PRICES.rdsStorage.gp3GbMonth, 9);
  });

  it('prices the secret RDS keeps a managed master password in', () => {
    const lines = month({
      aws_db_instance: {
        db: { instance_class: 'db.t4g.micro', manage_master_user_password: true },
      },
    });
    expect(lines.find((l) => l[1] === 'Secrets Manager secret (master password)')).toEqual([
      'aws_db_instance.db',
      'Secrets Manager secret (master password)',
      expect.closeTo(PRICES.secretsManager.secretMonth, 9),
      undefined,
    ]);
    // A password Terraform sets is no secret of RDS's.
    expect(
      month({ aws_db_instance: { db: { instance_class: 'db.t4g.micro' } } }).map((l) => l[1]),
    ).not.toContain('Secrets Manager secret (master password)');
  });

  it('says when a class has no price instead of inventing one', () => {
    const [hours] = month({ aws_db_instance: { db: { instance_class: 'db.m7g.large' } } });
    expect(hours).toEqual([
      'aws_db_instance.db',
      'RDS instance hours',
      0,
      'instance class db.m7g.large not counted',
    ]);
  });

  it('prices a file system by the GB-month assumed stored in Standard', () => {
    expect(month({ aws_efs_file_system: { fs: { encrypted: true } } })).toEqual([
      [
        'aws_efs_file_system.fs',
        'EFS storage',
        expect.closeTo(USAGE_ASSUMPTIONS.efsGbStored * PRICES.efs.standardGbMonth, 9),
        expect.stringMatching(/GB stored, all in Standard/),
      ],
    ]);
  });
});

describe('estimateCost', () => {
  it('reads plan-style values (blocks as lists) with references given by the caller', () => {
    const refs: Record<string, string[]> = {
      'aws_ecs_service.svc/task_definition': ['aws_ecs_task_definition.td'],
      'aws_appautoscaling_target.t/resource_id': ['aws_ecs_service.svc'],
    };
    const estimate = estimateCost(
      {
        resources: {
          aws_ecs_task_definition: { td: { cpu: '1024', memory: '2048' } },
          aws_ecs_service: {
            svc: {
              task_definition: 'arn:aws:ecs:us-east-1:1:task-definition/x:3',
              network_configuration: [{ assign_public_ip: true }],
              desired_count: 1,
            },
          },
          aws_appautoscaling_target: { t: { min_capacity: 3, max_capacity: 9 } },
        },
        references: (address, attribute) => refs[`${address}/${attribute}`] ?? [],
      },
      { prices: pricesFor('us-east-1'), at: 'maximum' },
    );
    expect(estimate.tasks).toBe(9);
    expect(estimate.lines.map((l) => l.item)).toEqual([
      'Fargate vCPU',
      'Fargate memory',
      'Public IPv4 (tasks)',
    ]);
    expect(estimate.hourly).toBeCloseTo(
      9 * (PRICES.fargate.vcpuHour + 2 * PRICES.fargate.gbHour + PRICES.publicIpv4.hour),
      10,
    );
  });

  it('finds the references written in Terraform expressions', () => {
    expect(
      expressionReferences({
        a: 'service/${data.terraform_remote_state.env.outputs.cluster}/${aws_ecs_service.svc.name}',
        b: ['${aws_ecs_task_definition.td.arn}'],
      }).sort(),
    ).toEqual(['aws_ecs_service.svc', 'aws_ecs_task_definition.td', 'data.terraform_remote_state']);
  });
});

describe('issue 14: a workload HTTP API', () => {
  const served = (protocol: string) => ({
    provider: { aws: { region: 'us-west-2' } },
    resource: {
      aws_ecs_task_definition: { td: { cpu: 256, memory: 512 } },
      aws_ecs_service: {
        backend: {
          task_definition: '${aws_ecs_task_definition.td.arn}',
          load_balancer: [{ container_port: 8080, target_group_arn: 'arn' }],
        },
        worker: { desired_count: 2, task_definition: '${aws_ecs_task_definition.td.arn}' },
      },
      aws_appautoscaling_target: {
        backend: {
          min_capacity: 1,
          max_capacity: 4,
          resource_id: 'service/c/${aws_ecs_service.backend.name}',
        },
      },
      aws_apigatewayv2_api: { api: { name: 'am-dev-myapp', protocol_type: protocol } },
      aws_apigatewayv2_stage: { api: { name: '$default', auto_deploy: true } },
      aws_apigatewayv2_vpc_link: { api: { name: 'am-dev-myapp', subnet_ids: ['a', 'b'] } },
    },
  });
  const apiLines = (lines: readonly CostLine[]) =>
    lines.filter((l) => l.resource.startsWith('aws_apigatewayv2_'));

  it('prices the requests of an HTTP API, per million, at the assumed rate', () => {
    const cost = estimateStackCost('dev-myapp', served('HTTP'));
    // us-west-2 lists $1.00 per million for the first 300 million a month, as us-east-1 does.
    expect(pricesFor('us-west-2').prices.apiGatewayHttp.requestMillion).toBe(1);
    expect(apiLines(cost.lines)).toEqual([
      {
        resource: 'aws_apigatewayv2_api.api',
        item: 'API Gateway HTTP API requests',
        hourly: expect.closeTo((1000 * 1) / 1e6, 12),
        basis: '1000 requests x $1/M',
        assumption:
          '1000 requests per hour (light test traffic), first 300 million a month tier, free tier not subtracted',
      },
    ]);
    expect(USAGE_ASSUMPTIONS.httpApiRequestsPerHourAtMinimum).toBe(1000);
  });

  it('grows with the tasks behind a load balancer at the maximum (not the worker)', () => {
    const max = estimateStackCost('dev-myapp', served('HTTP')).maximum;
    expect(max.tasks).toBe(6);
    expect(apiLines(max.lines)).toEqual([
      expect.objectContaining({
        hourly: expect.closeTo((4 * 100_000 * 1) / 1e6, 12),
        basis: '400000 requests x $1/M',
        assumption: expect.stringMatching(
          /^100000 requests per hour per running task behind a load balancer \(4 in this stack\)/,
        ),
      }),
    ]);
    const load = estimateStackCost('dev-myapp', served('HTTP'), { tasks: { min: 10, max: 200 } });
    expect(apiLines(load.maximum.lines)[0]!.hourly).toBeCloseTo((200 * 100_000) / 1e6, 10);
  });

  it('has no line without an HTTP API, for a WebSocket API, or for the stage and VPC link', () => {
    const { aws_apigatewayv2_api: _api, ...rest } = served('HTTP').resource;
    const without = estimateStackCost('w', { ...served('HTTP'), resource: rest });
    expect(apiLines(without.lines)).toEqual([]);
    expect(apiLines(without.maximum.lines)).toEqual([]);
    expect(apiLines(estimateStackCost('w', served('WEBSOCKET')).lines)).toEqual([]);
    const withApi = estimateStackCost('w', served('HTTP'));
    expect(withApi.hourly - without.hourly).toBeCloseTo(1000 / 1e6, 12);
  });
});

describe('issue 14: a workload mail identity and user pool, priced by use', () => {
  const stack = (resources: Record<string, unknown>) => ({
    provider: { aws: { region: 'us-east-1' } },
    resource: resources,
  });
  const byUse = (lines: readonly CostLine[]) =>
    lines.filter((l) => /^aws_(sesv2_email_identity|cognito_user_pool)\./.test(l.resource));

  it('prices the emails the domain sends, not the verified test addresses', () => {
    const cost = estimateStackCost(
      'dev-myapp',
      stack({
        aws_sesv2_email_identity: {
          domain: { email_identity: 'mail.example.com' },
          admin: { email_identity: 'admin@example.com' },
        },
      }),
    );
    expect(pricesFor('us-east-1').prices.ses.emails1k).toBe(0.1);
    expect(byUse(cost.lines)).toEqual([
      {
        resource: 'aws_sesv2_email_identity.domain',
        item: 'SES emails sent',
        hourly: expect.closeTo((10 * 0.1) / 1000, 12),
        basis: '10 emails x $0.1/1,000',
        assumption: '10 emails an hour sent from the domain',
      },
    ]);
  });

  it('prices a user pool only beyond its free monthly active users', () => {
    const pool = stack({ aws_cognito_user_pool: { users: { name: 'am-dev-myapp-users' } } });
    const idle = estimateStackCost('dev-myapp', pool);
    expect(byUse(idle.lines)).toEqual([
      expect.objectContaining({
        resource: 'aws_cognito_user_pool.users',
        item: 'Cognito monthly active users',
        hourly: 0,
        basis: '0 users beyond 10000 free x $0.015 / 730 h',
        assumption: '100 monthly active users (Essentials tier)',
      }),
    ]);
    const busy = estimateStackCost('dev-myapp', pool, {
      assumptions: { ...USAGE_ASSUMPTIONS, cognitoMonthlyActiveUsers: 12_000 },
    });
    expect(byUse(busy.lines)[0]!.hourly).toBeCloseTo((2000 * 0.015) / 730, 12);
  });
});
