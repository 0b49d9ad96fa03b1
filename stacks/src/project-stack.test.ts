import type {} from 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  configBucketName,
  ecsClusterName,
  ecsServiceName,
  ENV_OUTPUT,
  MOCKSERVER_SERVICE,
  PROJECT_OUTPUT,
  projectDashboardName,
} from '@automock/core';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { Testing } from 'cdktf';
import { buildApp, BuildAppOptions } from './app';
import { AutomockStack } from './automock-stack';
import { ProjectStack } from './project-stack';
import { PROJECTS_DIR } from './projects';

function projectJson(name: string, opts: BuildAppOptions = {}) {
  const stack = AutomockStack.all(buildApp(opts)).find((s) => s.info.name === name);
  if (!(stack instanceof ProjectStack)) throw new Error(`no project stack ${name}`);
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw), stack };
}

function containerDefs(json: any): any[] {
  const td = Object.values<any>(json.resource.aws_ecs_task_definition)[0];
  return JSON.parse(td.container_definitions);
}

describe('example project petstore', () => {
  it('is declared in dev (shared ALB) and staging (dedicated)', () => {
    const projects = AutomockStack.all(buildApp())
      .filter((s) => s.info.kind === 'project')
      .map((s) => s.info.name);
    expect(projects).toEqual(['dev-petstore', 'staging-petstore']);
  });

  describe('dev-petstore', () => {
    const { raw, json, stack } = projectJson('dev-petstore');

    it('has its own backend key and reads the environment through remote state', () => {
      expect(stack.info).toMatchObject({
        kind: 'project',
        environment: 'dev',
        project: 'petstore',
      });
      expect(json.terraform.backend.s3).toMatchObject({
        key: 'projects/dev/petstore/terraform.tfstate',
        encrypt: true,
      });
      const remote = Object.values<any>(json.data.terraform_remote_state)[0];
      expect(remote).toMatchObject({
        backend: 's3',
        config: expect.objectContaining({ key: 'envs/dev/terraform.tfstate' }),
      });
    });

    it('tags everything with the project', () => {
      expect(json.provider.aws[0].default_tags[0].tags).toMatchObject({
        'automock:env': 'dev',
        'automock:project': 'petstore',
      });
    });

    it('listens on its port on the shared ALB and creates no ALB', () => {
      expect(raw).toHaveResourceWithProperties(LbListener, {
        port: 10080,
        load_balancer_arn: expect.stringContaining(`outputs.${ENV_OUTPUT.albArn}}`),
      });
      expect(Object.keys(json.resource.aws_lb ?? {})).toHaveLength(0);
    });

    it('runs tasks in public subnets with public IPs (dev placement) in the env cluster', () => {
      const svc = Object.values<any>(json.resource.aws_ecs_service)[0];
      expect(svc.network_configuration.assign_public_ip).toBe(true);
      expect(svc.network_configuration.subnets).toContain(`outputs.${ENV_OUTPUT.publicSubnetIds}`);
      expect(svc.cluster).toContain(`outputs.${ENV_OUTPUT.clusterArn}`);
    });

    it('uploads the validated petstore expectations and points MockServer at them', () => {
      const obj = Object.values<any>(json.resource.aws_s3_object).find(
        (o) => o.key === 'expectations.json',
      );
      const file = JSON.parse(
        fs.readFileSync(path.join(PROJECTS_DIR, 'petstore/expectations.json'), 'utf8'),
      );
      expect(JSON.parse(obj.content)).toEqual(file);
      const mock = containerDefs(json).find((c) => c.name === 'mockserver');
      expect(mock.environment).toContainEqual({
        name: 'MOCKSERVER_INITIALIZATION_JSON_PATH',
        value: '/config/expectations.json',
      });
    });

    it('registers a new task definition only after the expectations object is written', () => {
      const td = Object.values<any>(json.resource.aws_ecs_task_definition)[0];
      expect(td.depends_on).toEqual([
        expect.stringMatching(/^aws_s3_object\.config_Expectations_/),
      ]);
    });

    it('grants the bucket read to its own task role only', () => {
      const policy = JSON.parse(Object.values<any>(json.resource.aws_s3_bucket_policy)[0].policy);
      const allow = policy.Statement.find((s: any) => s.Effect === 'Allow');
      expect(allow.Principal.AWS).toEqual([
        expect.stringMatching(/^\$\{aws_iam_role\.mockserver_Service_TaskRole_\w+\.arn\}$/),
      ]);
    });

    it('exports URLs, names and log groups', () => {
      expect(Object.keys(json.output).sort()).toEqual(
        [
          'cloudwatch_dashboard_url',
          'cluster_name',
          'config_bucket',
          'control_plane_secret_name',
          'dashboard_url',
          'log_group_names',
          'mockserver_url',
          'service_name',
        ].sort(),
      );
      expect(json.output.log_group_names.value).toEqual({
        'config-loader': '/ecs/automock/dev/petstore/config-loader',
        mockserver: '/ecs/automock/dev/petstore/mockserver',
      });
    });

    it('has a CloudWatch dashboard of its service and ALB, and saved Logs Insights queries', () => {
      const [dash] = Object.values<any>(json.resource.aws_cloudwatch_dashboard);
      expect(dash.dashboard_name).toBe(projectDashboardName('automock', 'dev', 'petstore'));
      expect(json.output.cloudwatch_dashboard_url.value).toBe(
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=automock-dev-petstore',
      );
      // The body is JSON once Terraform has filled in the target groups and the shared ALB.
      const body = dash.dashboard_body as string;
      expect(body).toContain('${aws_lb_target_group.mockserver_ApiTargetGroup_');
      expect(body).toContain(`outputs.${ENV_OUTPUT.albArn}), 1)}`);
      expect(body).toContain('"ServiceName","automock-dev-petstore-mockserver"');
      // A shared ALB's own 5XX mixes every project: left out.
      expect(body).not.toContain('HTTPCode_ELB_5XX_Count');
      const queries = Object.values<any>(json.resource.aws_cloudwatch_query_definition);
      expect(queries.map((q) => q.name).sort()).toEqual([
        'automock-dev-petstore-expectations-loaded',
        'automock-dev-petstore-requests',
        'automock-dev-petstore-unmatched',
      ]);
      for (const q of queries)
        expect(q.log_group_names).toContain('/ecs/automock/dev/petstore/mockserver');
    });

    it("keeps core's contract with the CLI: output names, and the service and bucket it finds by name", () => {
      // The deployer's topic exists only with a notification email, which petstore has none of.
      expect(Object.keys(json.output).sort()).toEqual(
        Object.values(PROJECT_OUTPUT)
          .filter((o) => o !== PROJECT_OUTPUT.notificationTopic)
          .sort(),
      );
      const service = Object.values<any>(json.resource.aws_ecs_service)[0];
      expect(service.name).toBe(ecsServiceName('automock', 'dev', 'petstore', MOCKSERVER_SERVICE));
      const bucket = Object.values<any>(json.resource.aws_s3_bucket)[0];
      expect(bucket.bucket).toBe(configBucketName('automock', 'dev', 'petstore', '111111111111'));
      const env = AutomockStack.all(buildApp()).find((x) => x.info.name === 'dev')!;
      const cluster = Object.values<any>(JSON.parse(Testing.synth(env)).resource.aws_ecs_cluster);
      expect(cluster.map((c) => c.name)).toEqual([ecsClusterName('automock', 'dev')]);
    });
  });

  describe('staging-petstore (dedicated)', () => {
    const { raw, json } = projectJson('staging-petstore');

    it('brings its own network and ALB', () => {
      expect(Object.keys(json.resource.aws_vpc)).toHaveLength(1);
      expect(raw).toHaveResourceWithProperties(Lb, {
        name: 'automock-staging-petstore',
        drop_invalid_header_fields: true,
        enable_deletion_protection: false,
      });
    });

    it("charts its own ALB's 5XX on its dashboard", () => {
      const [dash] = Object.values<any>(json.resource.aws_cloudwatch_dashboard);
      expect(dash.dashboard_body).toContain('HTTPCode_ELB_5XX_Count');
    });

    it('runs tasks privately in its own VPC', () => {
      const svc = Object.values<any>(json.resource.aws_ecs_service)[0];
      expect(svc.network_configuration.assign_public_ip).toBe(false);
      expect(JSON.stringify(svc.network_configuration.subnets)).toContain('aws_subnet.');
    });
  });
});

describe('bad project input stops synthesis before anything is written', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-bad-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: [string, BuildAppOptions['projects'], RegExp][] = [
    [
      'unknown size',
      [{ env: 'dev', project: { name: 'x', size: 'jumbo' as never } }],
      /project\[dev\/x\]\.size: got "jumbo", must be one of small, medium, large, xlarge/,
    ],
    [
      'invalid cpu/memory',
      [{ env: 'dev', project: { name: 'x', size: { cpu: 512, memory: 512 } } }],
      /size\.memory: got 512, with cpu 512 Fargate allows memory 1024, 2048, 3072, 4096 MiB/,
    ],
    [
      'TTL out of range',
      [{ env: 'dev', project: { name: 'x', ttlHours: 721 } }],
      /ttlHours: got 721, must be a whole number of hours from 0 \(never expire\) to 720/,
    ],
    [
      'non-DNS-safe name',
      [{ env: 'dev', project: { name: 'My_Mock' } }],
      /project\[dev\/My_Mock\]\.name: got "My_Mock", must be 1-24 characters of lowercase letters/,
    ],
    [
      'port clash on the shared ALB',
      [{ env: 'dev', project: { name: 'other', listenerPort: 10080 } }],
      /project\[dev\/other\]\.listenerPort: got 10080, must differ from project petstore's port/,
    ],
    [
      'duplicate name',
      [{ env: 'dev', project: { name: 'petstore', listenerPort: 10081 } }],
      /project\[dev\/petstore\]\.name: got "petstore", must be unique within environment dev/,
    ],
    [
      'unknown environment',
      [{ env: 'qa', project: { name: 'x' } }],
      /project\[qa\/x\]\.env: got "qa", must be one of dev, staging, prod/,
    ],
    [
      'expectations that are not JSON',
      [
        {
          env: 'dev',
          project: {
            name: 'x',
            expectations: { content: '[{"httpResponse": ', source: 'broken.json' },
          },
        },
      ],
      /broken\.json: got nothing, must be valid JSON/,
    ],
    [
      'expectations that are not MockServer expectations',
      [
        {
          env: 'dev',
          project: {
            name: 'x',
            expectations: { content: '[{"request": {}, "response": {}}]', source: 'wiremock.json' },
          },
        },
      ],
      /wiremock\.json: \$\[0\]\.request: got \{\}, is not allowed here/,
    ],
  ];

  it.each(cases)('%s', (_what, projects, message) => {
    const outdir = path.join(dir, _what.replace(/\W+/g, '-'));
    expect(() => buildApp({ outdir, projects }).synth()).toThrow(message);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('names the expectations file and JSON path of the first problem', () => {
    const file = path.join(dir, 'expectations.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        { httpRequest: { path: '/a' }, httpResponse: { statusCode: 200 } },
        { httpRequest: { path: '/b' }, httpResponse: { statusCode: 200 } },
        { httpRequest: { path: '/c' }, httpResponse: { statusCode: '200' } },
      ]),
    );
    expect(() =>
      buildApp({ projects: [{ env: 'dev', project: { name: 'x', expectations: file } }] }),
    ).toThrow(`${file}: $[2].httpResponse.statusCode: got "200", must be an integer`);
  });

  it('reports every bad project at once', () => {
    let message = '';
    try {
      buildApp({
        projects: [
          { env: 'dev', project: { name: 'a', size: 'jumbo' as never } },
          { env: 'staging', project: { name: 'b', ttlHours: -1 } },
        ],
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/project\[dev\/a\]\.size/);
    expect(message).toMatch(/project\[staging\/b\]\.ttlHours/);
  });
});

describe('ephemeral projects from the CLI', () => {
  it('get force_destroy, TTL metadata and 1..20 tasks', () => {
    const { json } = projectJson('dev-tmp', {
      projects: [
        {
          env: 'dev',
          project: { name: 'tmp', ephemeral: true, ttlHours: 4, createdAt: '2025-01-05T10:00:00Z' },
        },
      ],
    });
    expect(Object.values<any>(json.resource.aws_s3_bucket)[0].force_destroy).toBe(true);
    const meta = Object.values<any>(json.resource.aws_s3_object).find(
      (o) => o.key === 'project-metadata.json',
    );
    expect(JSON.parse(meta.content)).toMatchObject({
      ttlHours: 4,
      expiresAt: '2025-01-05T14:00:00.000Z',
    });
    const target = Object.values<any>(json.resource.aws_appautoscaling_target)[0];
    expect([target.min_capacity, target.max_capacity]).toEqual([1, 20]);
  });

  it("with the deployer's email: a topic of its own, subscribed, and its ARN for the reaper", () => {
    const { json } = projectJson('dev-tmp', {
      projects: [
        {
          env: 'dev',
          project: { name: 'tmp', ephemeral: true, notificationEmail: 'dev@example.com' },
        },
      ],
    });
    const subscription = Object.values<any>(json.resource.aws_sns_topic_subscription)[0];
    expect(subscription).toMatchObject({ protocol: 'email', endpoint: 'dev@example.com' });
    expect(json.output[PROJECT_OUTPUT.notificationTopic].value).toBe(subscription.topic_arn);
  });

  it('in prod are routed by host name on the shared HTTPS listener', () => {
    const { json } = projectJson('prod-api', {
      projects: [{ env: 'prod', project: { name: 'api' } }],
    });
    const rules = Object.values<any>(json.resource.aws_lb_listener_rule);
    // control plane with the token, control plane refused, the host
    expect(rules.length).toBe(3);
    for (const r of rules) {
      expect(r.listener_arn).toContain(`outputs.${ENV_OUTPUT.httpsListenerArn}`);
      expect(r.condition[0].host_header.values).toEqual(['api.mocks.example.com']);
    }
    expect(Object.values<any>(json.resource.aws_route53_record)[0]).toMatchObject({
      name: 'api.mocks.example.com',
      type: 'A',
    });
  });
});
