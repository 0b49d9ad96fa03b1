import { HOURS_PER_MONTH, PRICES } from '@automock/core';
import { estimateStackCost, USAGE_ASSUMPTIONS } from './cost';

const STACK = {
  resource: {
    aws_ecs_task_definition: { td: { cpu: '512', memory: '1024' } },
    aws_ecs_service: {
      svc: {
        desired_count: 1,
        task_definition: '${aws_ecs_task_definition.td.arn}',
        network_configuration: { assign_public_ip: false },
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

  it('prices the ALB by the hour plus assumed LCUs, and its public addresses per subnet', () => {
    expect(line('ALB hours').hourly).toBe(PRICES.alb.hour);
    expect(line('ALB LCUs').assumption).toMatch(/1 LCU on average/);
    expect(line('Public IPv4 (ALB)').hourly).toBeCloseTo(3 * PRICES.publicIpv4.hour, 8);
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
    expect(spot.lines.find((l) => l.item === 'Fargate Spot vCPU')!.hourly).toBeCloseTo(
      4 * PRICES.fargateSpot.vcpuHour,
      8,
    );
    expect(spot.lines.find((l) => l.item === 'Public IPv4 (tasks)')!.hourly).toBeCloseTo(
      4 * PRICES.publicIpv4.hour,
      8,
    );
  });

  it('prices a stack with nothing billable at zero', () => {
    expect(estimateStackCost('e', { resource: { terraform_data: { x: {} } } })).toMatchObject({
      hourly: 0,
      lines: [],
    });
  });

  it('prices the control-plane secret and the notification key by the month', () => {
    const cost = estimateStackCost('x', {
      resource: { aws_secretsmanager_secret: { token: {} }, aws_kms_key: { k: {} } },
    });
    expect(cost.lines.map((l) => [l.resource, l.hourly * HOURS_PER_MONTH])).toEqual([
      ['aws_secretsmanager_secret.token', expect.closeTo(PRICES.secretsManager.secretMonth, 9)],
      ['aws_kms_key.k', expect.closeTo(PRICES.kms.keyMonth, 9)],
    ]);
  });
});
