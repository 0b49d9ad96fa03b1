import type {} from 'cdktf/lib/testing/adapters/jest';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { sharedAlbProjectUsage } from '@automock/core';
import { Testing } from 'cdktf';
import {
  CONFIG_LOADER_IMAGE,
  MOCKSERVER_IMAGE,
  MockServerService,
  MockServerServiceProps,
} from './MockServerService';
import { TLS_POLICY } from './SharedAlb';
import { BASE_MOCK_PROPS, only, resources, testStack } from './testing/fixtures';

function synth(over: Partial<MockServerServiceProps> = {}) {
  const stack = testStack();
  const mock = new MockServerService(stack, 'Mock', { ...BASE_MOCK_PROPS, ...over });
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw), mock };
}

function containers(json: any): any[] {
  return JSON.parse(only(json, 'aws_ecs_task_definition').container_definitions);
}

function sortedRules(json: any): any[] {
  return Object.values(resources(json, 'aws_lb_listener_rule')).sort(
    (a: any, b: any) => a.priority - b.priority,
  );
}

function env(c: any): Record<string, string> {
  return Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
}

describe('MockServerService task definition', () => {
  const { json } = synth();
  const [loader, mock] = containers(json);

  it('runs the config loader first and MockServer only after it succeeded', () => {
    expect(loader).toMatchObject({
      name: 'config-loader',
      image: CONFIG_LOADER_IMAGE,
      essential: false,
    });
    expect(mock).toMatchObject({ name: 'mockserver', image: MOCKSERVER_IMAGE, essential: true });
    expect(mock.dependsOn).toEqual([{ containerName: 'config-loader', condition: 'SUCCESS' }]);
  });

  it('shares the config volume (written by the loader, read-only for MockServer) and a /tmp volume', () => {
    expect(only(json, 'aws_ecs_task_definition').volume).toEqual([
      { name: 'config' },
      { name: 'tmp' },
    ]);
    expect(loader.mountPoints).toEqual([
      { sourceVolume: 'config', containerPath: '/config', readOnly: false },
      { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false },
    ]);
    expect(mock.mountPoints).toEqual([
      { sourceVolume: 'config', containerPath: '/config', readOnly: true },
      { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false },
    ]);
  });

  it('runs MockServer as the image user 65532 on a read-only root; the loader says why it is root', () => {
    expect(mock).toMatchObject({ user: '65532:65532', readonlyRootFilesystem: true });
    expect(loader).toMatchObject({ user: '0', readonlyRootFilesystem: true });
    expect(loader.dockerLabels['automock.runs-as-root']).toMatch(/owned by root/);
    expect(mock.dockerLabels).toBeUndefined();
    expect(loader.command[0]).toMatch(/chmod 1777 \/tmp/);
  });

  it('copies the project expectations from its bucket, readable by a non-root user', () => {
    expect(env(loader)).toMatchObject({
      CONFIG_BUCKET: 'automock-dev-petstore-config-123456789012',
      CONFIG_OBJECT: 'expectations.json',
      TARGET_FILE: '/config/expectations.json',
    });
    expect(loader.command[0]).toMatch(
      /aws s3 cp "s3:\/\/\$CONFIG_BUCKET\/\$CONFIG_OBJECT" "\$TARGET_FILE"/,
    );
    expect(loader.command[0]).toMatch(/chmod 0644 "\$TARGET_FILE"/);
  });

  it('configures MockServer with its documented settings', () => {
    expect(env(mock)).toEqual({
      MOCKSERVER_LOG_LEVEL: 'INFO',
      MOCKSERVER_ATTEMPT_TO_PROXY_IF_NO_MATCHING_EXPECTATION: 'false',
      MOCKSERVER_SERVER_PORT: '1080',
      MOCKSERVER_INITIALIZATION_JSON_PATH: '/config/expectations.json',
      MOCKSERVER_FAIL_ON_INITIALIZATION_ERROR: 'true',
      JAVA_TOOL_OPTIONS: '-Xmx768m',
      AUTOMOCK_EXPECTATIONS_VERSION: 'abc123',
    });
    expect(MOCKSERVER_IMAGE).toBe('mockserver/mockserver:9.4.0');
    expect(mock.portMappings).toEqual([
      expect.objectContaining({ containerPort: 1080, protocol: 'tcp' }),
    ]);
  });

  it('sizes the task and logs each container to its own group with the retention', () => {
    expect(only(json, 'aws_ecs_task_definition')).toMatchObject({
      cpu: '512',
      memory: '1024',
      network_mode: 'awsvpc',
      requires_compatibilities: ['FARGATE'],
    });
    const groups = Object.values(resources(json, 'aws_cloudwatch_log_group')).map((g: any) => [
      g.name,
      g.retention_in_days,
    ]);
    expect(groups).toEqual(
      expect.arrayContaining([
        ['/ecs/automock/dev/petstore/mockserver', 14],
        ['/ecs/automock/dev/petstore/config-loader', 14],
      ]),
    );
    expect(mock.logConfiguration.options['awslogs-group']).toBe(
      '/ecs/automock/dev/petstore/mockserver',
    );
  });
});

describe('MockServerService ordering against its config', () => {
  it('makes the task definition wait for the expectations object', () => {
    const stack = testStack();
    const writer = new S3Object(stack, 'Writer', {
      bucket: 'b',
      key: 'expectations.json',
      content: '[]',
    });
    new MockServerService(stack, 'Mock', {
      ...BASE_MOCK_PROPS,
      config: { ...BASE_MOCK_PROPS.config, dependables: [writer] },
    });
    const json = JSON.parse(Testing.synth(stack));
    expect(only(json, 'aws_ecs_task_definition').depends_on).toEqual([
      expect.stringMatching(/^aws_s3_object\.Writer/),
    ]);
  });
});

describe('MockServerService target groups', () => {
  const { raw, json } = synth();

  it('has API and control-plane groups: ip targets, 30 s deregistration, readiness health check', () => {
    const tgs = Object.values(resources(json, 'aws_lb_target_group'));
    expect(tgs).toHaveLength(2);
    for (const name of ['automock-dev-petstore-api', 'automock-dev-petstore-dash']) {
      expect(raw).toHaveResourceWithProperties(LbTargetGroup, {
        name,
        port: 1080,
        target_type: 'ip',
        deregistration_delay: '30',
        health_check: expect.objectContaining({ path: '/mockserver/ready', matcher: '200' }),
      });
    }
  });

  it('registers the MockServer container in both', () => {
    const svc = only(json, 'aws_ecs_service');
    expect(svc.load_balancer).toHaveLength(2);
    for (const lb of svc.load_balancer)
      expect(lb).toMatchObject({ container_name: 'mockserver', container_port: 1080 });
  });
});

describe('MockServerService on the shared ALB without a domain', () => {
  const { raw, json, mock } = synth();

  it('adds a listener on its own port, forwarding the data plane to the API group', () => {
    expect(raw).toHaveResourceWithProperties(LbListener, { port: 10042, protocol: 'HTTP' });
    expect(only(json, 'aws_lb_listener').default_action).toEqual([
      expect.objectContaining({
        type: 'forward',
        target_group_arn: expect.stringMatching(/ApiTargetGroup/),
      }),
    ]);
  });

  it('forwards the control plane only with the token header, and answers 403 otherwise', () => {
    const rules = sortedRules(json);
    expect(rules.map((r: any) => r.priority)).toEqual([1, 2]);
    expect(rules[0].condition).toEqual([
      { path_pattern: { values: ['/mockserver/*', '/_mockserver_*'] } },
      {
        http_header: {
          http_header_name: 'x-automock-control-token',
          values: [
            expect.stringMatching(/^\$\{aws_secretsmanager_secret_version\.\w+\.secret_string\}$/),
          ],
        },
      },
    ]);
    expect(rules[0].action[0]).toMatchObject({
      type: 'forward',
      target_group_arn: expect.stringMatching(/DashboardTargetGroup/),
    });
    expect(rules[1].condition).toEqual([
      { path_pattern: { values: ['/mockserver/*', '/_mockserver_*'] } },
    ]);
    expect(rules[1].action[0]).toMatchObject({
      type: 'fixed-response',
      fixed_response: expect.objectContaining({ status_code: '403' }),
    });
  });

  it('opens exactly that port on the ALB security group', () => {
    const ingress = Object.values(resources(json, 'aws_vpc_security_group_ingress_rule'));
    const onAlb = ingress.filter((r: any) => r.security_group_id === 'sg-alb');
    expect(onAlb).toEqual([
      expect.objectContaining({ from_port: 10042, to_port: 10042, cidr_ipv4: '0.0.0.0/0' }),
    ]);
  });

  it('creates no ALB of its own and waits for the listener before the service', () => {
    expect(Object.keys(resources(json, 'aws_lb'))).toHaveLength(0);
    expect(only(json, 'aws_ecs_service').depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_lb_listener\./),
        expect.stringMatching(/^aws_lb_listener_rule\./),
      ]),
    );
    expect(mock.url).toBe('http://automock-dev-shared-1.us-east-1.elb.amazonaws.com:10042');
    expect(mock.dashboardUrl).toBe(
      'http://automock-dev-shared-1.us-east-1.elb.amazonaws.com:10042/mockserver/dashboard',
    );
  });
});

/** Host routing on the shared ALB: the routing, and the ALB with its HTTPS listener. */
function hostRouted(priority: number): Pick<MockServerServiceProps, 'routing' | 'sharedAlb'> {
  return {
    routing: {
      kind: 'shared-host',
      domain: { hostname: 'petstore.mocks.example.com', hostedZoneId: 'Z123' },
      priority,
    },
    sharedAlb: {
      ...BASE_MOCK_PROPS.sharedAlb!,
      httpsListenerArn: 'arn:listener/https',
      albZoneId: 'ZALB',
    },
  };
}

describe('MockServerService on the shared ALB with a domain', () => {
  const { json, mock } = synth(hostRouted(100));

  it('routes by host name on the HTTPS listener: token, 403 for the control plane, then the host', () => {
    const rules = sortedRules(json);
    expect(rules.map((r: any) => [r.listener_arn, r.priority])).toEqual([
      ['arn:listener/https', 100],
      ['arn:listener/https', 101],
      ['arn:listener/https', 102],
    ]);
    expect(rules.map((r: any) => r.action[0].type)).toEqual([
      'forward',
      'fixed-response',
      'forward',
    ]);
    expect(rules[0].condition[2].http_header.http_header_name).toBe('x-automock-control-token');
    expect(rules[2].condition).toHaveLength(1);
    for (const r of rules)
      expect(r.condition[0].host_header.values).toEqual(['petstore.mocks.example.com']);
    expect(Object.keys(resources(json, 'aws_lb_listener'))).toHaveLength(0);
  });

  it('adds an alias record and an https URL, and opens no port', () => {
    expect(only(json, 'aws_route53_record')).toMatchObject({
      name: 'petstore.mocks.example.com',
      type: 'A',
    });
    expect(
      Object.values(resources(json, 'aws_vpc_security_group_ingress_rule')).filter(
        (r: any) => r.cidr_ipv4,
      ),
    ).toHaveLength(0);
    expect(mock.url).toBe('https://petstore.mocks.example.com');
  });

  it('rejects a routing the ALB given cannot serve, before creating anything', () => {
    const stack = testStack();
    const noHttps = { ...hostRouted(100), sharedAlb: BASE_MOCK_PROPS.sharedAlb };
    expect(() => new MockServerService(stack, 'Mock', { ...BASE_MOCK_PROPS, ...noHttps })).toThrow(
      /MockServerService\.sharedAlb\.httpsListenerArn: got nothing, must be given for host routing/,
    );
    expect(stack.node.findAll().filter((c) => c.node.path.includes('Mock'))).toHaveLength(1);
    expect(() =>
      synth({ routing: { kind: 'dedicated' }, sharedAlb: BASE_MOCK_PROPS.sharedAlb }),
    ).toThrow(
      /MockServerService\.sharedAlb: got .*, must be left out with dedicated routing[\s\S]*MockServerService\.dedicatedAlb: got nothing, must be given with dedicated routing/,
    );
    expect(() => synth({ sharedAlb: undefined })).toThrow(
      /MockServerService\.sharedAlb: got nothing, must be given with shared-port routing/,
    );
    expect(() => synth({ routing: { kind: 'shared-port', port: 80 } })).toThrow(
      /MockServerService\.routing\.port: got 80, must be a whole number from 1024 to 65535/,
    );
  });
});

describe("MockServerService on the shared ALB uses what core's sharedAlbProjectUsage counts", () => {
  const cases = (['shared-port', 'shared-host'] as const).flatMap((routing) =>
    [[], ['10.20.0.0/16']].flatMap((controlPlaneCidrs) =>
      [['0.0.0.0/0'], ['203.0.113.0/24', '198.51.100.0/24']].map((dataPlaneCidrs) => ({
        routing,
        controlPlaneCidrs,
        dataPlaneCidrs,
      })),
    ),
  );

  it.each(cases)('%j', ({ routing, controlPlaneCidrs, dataPlaneCidrs }) => {
    const { json } = synth({
      access: { controlPlaneCidrs, dataPlaneCidrs },
      ...(routing === 'shared-host' ? hostRouted(100) : {}),
    });
    const count = (t: string) => Object.keys(resources(json, t)).length;
    expect({
      listeners: count('aws_lb_listener'),
      targetGroups: count('aws_lb_target_group'),
      rules: count('aws_lb_listener_rule'),
    }).toEqual(sharedAlbProjectUsage(routing, { controlPlaneCidrs, dataPlaneCidrs }));
  });
});

describe('MockServerService with a dedicated ALB', () => {
  const dedicated: Partial<MockServerServiceProps> = {
    routing: { kind: 'dedicated' },
    sharedAlb: undefined,
    dedicatedAlb: { publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'], vpcCidr: '10.1.0.0/16' },
  };

  it('creates its own ALB dropping invalid headers, without deletion protection by default', () => {
    const { raw, json } = synth(dedicated);
    expect(raw).toHaveResourceWithProperties(Lb, {
      name: 'automock-dev-petstore',
      internal: false,
      drop_invalid_header_fields: true,
      enable_deletion_protection: false,
      subnets: ['subnet-pub-a', 'subnet-pub-b'],
    });
    expect(only(json, 'aws_lb_listener')).toMatchObject({ port: 80, protocol: 'HTTP' });
    expect(only(json, 'aws_lb_listener').default_action[0].type).toBe('forward');
  });

  it('with a domain: validated certificate, TLS 1.3 HTTPS listener, HTTP redirect, alias', () => {
    const { raw, json } = synth({
      ...dedicated,
      routing: {
        kind: 'dedicated',
        domain: { hostname: 'petstore.mocks.example.com', hostedZoneId: 'Z123' },
      },
      dedicatedAlb: { ...dedicated.dedicatedAlb!, deletionProtection: true },
    });
    expect(raw).toHaveResourceWithProperties(Lb, { enable_deletion_protection: true });
    expect(raw).toHaveResourceWithProperties(AcmCertificate, {
      domain_name: 'petstore.mocks.example.com',
      validation_method: 'DNS',
    });
    expect(raw).toHaveResourceWithProperties(LbListener, {
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: TLS_POLICY,
    });
    expect(TLS_POLICY).toBe('ELBSecurityPolicy-TLS13-1-2-2021-06');
    expect(raw).toHaveResourceWithProperties(LbListener, {
      port: 80,
      default_action: [
        expect.objectContaining({
          type: 'redirect',
          redirect: expect.objectContaining({ protocol: 'HTTPS', status_code: 'HTTP_301' }),
        }),
      ],
    });
    expect(raw).toHaveResourceWithProperties(Route53Record, {
      name: 'petstore.mocks.example.com',
      type: 'A',
    });
    const validation = only(json, 'aws_acm_certificate_validation');
    expect(validation.validation_record_fqdns).toMatch(
      /^\$\{\[for r in aws_route53_record\.\w+ : r\.fqdn\]\}$/,
    );
    // the ALB also alarms on its own 5XX
    expect(raw).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      metric_name: 'HTTPCode_ELB_5XX_Count',
      threshold: 10,
    });
  });
});

describe('MockServerService placement', () => {
  it('private: no public IP, only the ALB may connect', () => {
    const { json } = synth();
    expect(only(json, 'aws_ecs_service').network_configuration).toEqual({
      subnets: ['subnet-private-a', 'subnet-private-b'],
      security_groups: [expect.stringMatching(/aws_security_group\./)],
      assign_public_ip: false,
    });
    const toTasks = Object.values(resources(json, 'aws_vpc_security_group_ingress_rule')).filter(
      (r: any) => r.security_group_id !== 'sg-alb',
    );
    expect(toTasks).toEqual([
      expect.objectContaining({
        from_port: 1080,
        to_port: 1080,
        referenced_security_group_id: 'sg-alb',
      }),
    ]);
    expect(toTasks[0]).not.toHaveProperty('cidr_ipv4');
  });

  it('public: public IPs in public subnets', () => {
    const { raw } = synth({ subnetIds: ['subnet-pub-a'], assignPublicIp: true });
    expect(raw).toHaveResourceWithProperties(EcsService, {
      network_configuration: expect.objectContaining({
        assign_public_ip: true,
        subnets: ['subnet-pub-a'],
      }),
    });
  });

  it('Fargate Spot uses the capacity provider instead of the launch type', () => {
    const { json } = synth({ capacity: 'FARGATE_SPOT' });
    const svc = only(json, 'aws_ecs_service');
    expect(svc.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE_SPOT', weight: 1 },
    ]);
    expect(svc.launch_type).toBeUndefined();
  });
});

describe('MockServerService IAM', () => {
  const { json } = synth();
  const policies = Object.values(resources(json, 'aws_iam_role_policy')).map((p: any) => ({
    name: p.name,
    doc: JSON.parse(p.policy),
  }));

  it('lets the task role read only the project config objects', () => {
    const task = policies.find((p) => p.name === 'task')!;
    expect(task.doc.Statement).toEqual([
      {
        Sid: 'ReadOwnConfig',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: BASE_MOCK_PROPS.config.readableObjectArns,
      },
    ]);
  });

  it('lets the execution role write only its own log groups', () => {
    const exec = policies.find((p) => p.name === 'execution')!;
    expect(exec.doc.Statement).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [
          expect.stringMatching(
            /^\$\{aws_cloudwatch_log_group\.[\w-]*config-loader[\w-]*\.arn\}:\*$/,
          ),
          expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[\w-]*mockserver[\w-]*\.arn\}:\*$/),
        ],
      },
    ]);
  });

  it('uses no wildcard actions anywhere', () => {
    for (const p of policies)
      for (const s of p.doc.Statement)
        for (const a of [s.Action].flat()) expect(a).not.toMatch(/\*/);
  });
});

describe('MockServerService control-plane token', () => {
  const { raw, json } = synth();

  it('is a Secrets Manager secret with no recovery window, generated by Terraform and then kept', () => {
    expect(only(json, 'aws_secretsmanager_secret')).toMatchObject({
      name: 'automock/dev/petstore/control-plane-token',
      recovery_window_in_days: 0,
    });
    const version = only(json, 'aws_secretsmanager_secret_version');
    expect(version.secret_string).toBe('${replace(join("", [uuid(), uuid()]), "-", "")}');
    expect(version.lifecycle).toEqual({ ignore_changes: ['secret_string'] });
  });

  it('never appears as a literal in the synthesised stack', () => {
    const header = JSON.stringify(sortedRules(json)[0].condition[1].http_header.values);
    expect(header).toMatch(/aws_secretsmanager_secret_version/);
    expect(raw).not.toMatch(/"values":\s*\[\s*"[0-9a-f]{64}"/);
  });
});

describe('MockServerService access from chosen networks', () => {
  it('port listener: data plane only from the given CIDRs, 403 for the rest', () => {
    const { json } = synth({
      access: { controlPlaneCidrs: [], dataPlaneCidrs: ['203.0.113.0/24'] },
    });
    const rules = sortedRules(json);
    expect(rules.map((r: any) => r.action[0].type)).toEqual([
      'forward',
      'fixed-response',
      'forward',
    ]);
    expect(rules[2].condition).toEqual([{ source_ip: { values: ['203.0.113.0/24'] } }]);
    expect(only(json, 'aws_lb_listener').default_action[0]).toMatchObject({
      type: 'fixed-response',
      fixed_response: expect.objectContaining({ status_code: '403' }),
    });
  });

  it('host rule carries the source-ip condition; control-plane networks get a rule of their own', () => {
    const { json } = synth({
      access: {
        controlPlaneCidrs: ['10.8.0.0/16'],
        dataPlaneCidrs: ['203.0.113.0/24', '198.51.100.0/24'],
      },
      ...hostRouted(10),
    });
    const rules = sortedRules(json);
    expect(rules.map((r: any) => r.priority)).toEqual([10, 11, 12, 13]);
    expect(rules[1].condition).toEqual([
      { host_header: { values: ['petstore.mocks.example.com'] } },
      { path_pattern: { values: ['/mockserver/*', '/_mockserver_*'] } },
      { source_ip: { values: ['10.8.0.0/16'] } },
    ]);
    expect(rules[2].action[0].type).toBe('fixed-response');
    expect(rules[3].condition).toEqual([
      { host_header: { values: ['petstore.mocks.example.com'] } },
      { source_ip: { values: ['203.0.113.0/24', '198.51.100.0/24'] } },
    ]);
  });

  it('dedicated ALB: the same rules on its own listener', () => {
    const { json } = synth({
      access: { controlPlaneCidrs: [], dataPlaneCidrs: ['203.0.113.0/24'] },
      routing: { kind: 'dedicated' },
      sharedAlb: undefined,
      dedicatedAlb: { publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'], vpcCidr: '10.1.0.0/16' },
    });
    expect(sortedRules(json).map((r: any) => r.action[0].type)).toEqual([
      'forward',
      'fixed-response',
      'forward',
    ]);
    expect(only(json, 'aws_lb_listener').default_action[0].type).toBe('fixed-response');
  });

  it('refuses control-plane networks that admit the internet', () => {
    expect(() =>
      synth({ access: { controlPlaneCidrs: ['0.0.0.0/0'], dataPlaneCidrs: ['0.0.0.0/0'] } }),
    ).toThrow(/protectedPaths.sourceCidrs: got \["0.0.0.0\/0"\], must not admit the internet/);
  });
});
