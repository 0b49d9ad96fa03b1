import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  containerEnvironmentBudget,
  containerEnvironmentBytes,
  defineEnvironment,
  defineProject,
  EnvironmentInput,
  MAX_CONTROL_PLANE_CIDRS,
  MAX_DATA_PLANE_CIDRS,
  MAX_USER_TAGS,
  OBJECT_TAG_LIMIT,
  PROJECT_NAME_MAX,
  RESOURCE_TAG_LIMIT,
  S3_OBJECT_TYPES,
  sharedAlbProjectUsage,
  TAG_CHARSET_RE,
  TAG_KEY_MAX,
  TAG_VALUE_MAX,
  standardTags,
  TASK_DEFINITION_MAX_BYTES,
} from '@automock/core';
import { ProjectDeclaration } from './projects';
import { synthesizeApp } from './synthesize-app';

// The longest legal names and values everywhere, synthesised, and every name-like attribute of
// every resource checked against the limit AWS documents for it: nothing the validator accepts
// may be refused by AWS at apply time.

const maxTags = Object.fromEntries(
  Array.from({ length: MAX_USER_TAGS }, (_, i) => [
    `${String(i).padStart(2, '0')}:Team/Cost.Centre =+-@_`.padEnd(TAG_KEY_MAX, 'k'),
    `Platform Engineering: cost/unit = ${i} +-@_.`.padEnd(TAG_VALUE_MAX, 'v'),
  ]),
);
const env = (name: string, extra: Partial<EnvironmentInput>) =>
  defineEnvironment({
    name,
    accountId: '123456789012',
    region: 'ap-southeast-7', // one of the longest region names
    prefix: 'p'.repeat(20),
    azCount: 3,
    nat: 'per-az',
    taskPlacement: 'private',
    flowLogs: true,
    deletionProtection: true,
    notificationEmail: 'platform@example.com',
    tags: maxTags,
    ...extra,
  });
const zone = 'Z0123456789ABCDEFGHIJ';
// 62 characters: the longest domain whose *.<domain> certificate ACM accepts.
const longestDomain = `${'d'.repeat(50)}.example.com`;
// The longest domain for which a 24-character dedicated project's certificate name fits in 64.
const dedicatedDomain = `${'e'.repeat(27)}.example.com`;
// The most source CIDRs a rule may carry (every condition value of the ALB's 5 used).
const cidrs = (n: number, second: number) =>
  Array.from({ length: n }, (_, i) => `10.${second}.${i}.0/24`);
const ENVS = [
  env('hostroutedaa', {
    domain: { name: longestDomain, hostedZoneId: zone },
    controlPlaneCidrs: cidrs(MAX_CONTROL_PLANE_CIDRS, 200),
    dataPlaneCidrs: cidrs(MAX_DATA_PLANE_CIDRS, 201),
  }),
  env('dedicatedbbb', {
    domain: { name: dedicatedDomain, hostedZoneId: zone },
    vpcCidr: '10.1.0.0/16',
  }),
  env('portroutedcc', { vpcCidr: '10.2.0.0/16' }),
];
const longName = `${'n'.repeat(PROJECT_NAME_MAX - 1)}x`;

/** Environment variables and secrets that fill the task definition budget to the byte. */
function fullEnvironment(budget: number): {
  environment: Record<string, string>;
  secrets: Record<string, string>;
} {
  const secrets = {
    DB_PASSWORD:
      'arn:aws:secretsmanager:ap-southeast-7:123456789012:secret:automock/db-password-AbCdEf',
  };
  const environment: Record<string, string> = {};
  for (let i = 0; ; i++) {
    const name = `VARIABLE_${String(i).padStart(3, '0')}`;
    environment[name] = 'v'.repeat(4096);
    const over = containerEnvironmentBytes(environment, secrets) - budget;
    if (over >= 0) {
      environment[name] = 'v'.repeat(4096 - over);
      break;
    }
  }
  return { environment, secrets };
}
const budget = containerEnvironmentBudget(standardTags('hostroutedaa', longName, maxTags));
const full = fullEnvironment(budget);
const PROJECTS: ProjectDeclaration[] = [
  { env: 'hostroutedaa', project: { name: longName, ...full } },
  {
    env: 'dedicatedbbb',
    project: {
      name: longName,
      isolation: 'dedicated',
      notificationEmail: 'team@example.com',
      ...full,
    },
  },
  {
    env: 'portroutedcc',
    project: { name: longName, dataPlaneCidrs: cidrs(MAX_DATA_PLANE_CIDRS, 202), ...full },
  },
  { env: 'portroutedcc', project: { name: 'm'.repeat(PROJECT_NAME_MAX), isolation: 'dedicated' } },
  // Port-routed with the data plane open to the internet (the listener's default forwards).
  { env: 'portroutedcc', project: { name: 'o'.repeat(PROJECT_NAME_MAX) } },
];

type Resource = Record<string, unknown>;
interface Stack {
  readonly name: string;
  readonly json: {
    resource?: Record<string, Record<string, Resource>>;
    provider?: { aws?: { default_tags?: { tags?: Record<string, string> }[] }[] };
  };
}

let out: string;
let stacks: Stack[];
beforeAll(() => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'automock-worst-case-'));
  synthesizeApp({
    outdir: out,
    definitions: ENVS,
    declaredProjects: false,
    declaredWorkloads: false,
    projects: PROJECTS,
  });
  stacks = fs.readdirSync(path.join(out, 'stacks')).map((name) => ({
    name,
    json: JSON.parse(fs.readFileSync(path.join(out, 'stacks', name, 'cdk.tf.json'), 'utf8')),
  }));
}, 120_000);
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

const isToken = (v: unknown) => typeof v === 'string' && v.includes('${');
const lengthAtMost = (max: number) => (v: string) =>
  v.length <= max || `longer than ${max} (${v.length})`;
const matches = (re: RegExp, what: string) => (v: string) => re.test(v) || `not ${what}`;
type Rule = (v: string) => true | string;
const all =
  (...rules: Rule[]): Rule =>
  (v) => {
    for (const r of rules) {
      const res = r(v);
      if (res !== true) return res;
    }
    return true;
  };
const ELB_NAME = all(
  lengthAtMost(32),
  matches(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, 'letters, digits and inner hyphens'),
  (v) => !v.startsWith('internal-') || "starts with 'internal-'",
);
const IAM_NAME = (max: number) =>
  all(lengthAtMost(max), matches(/^[\w+=,.@-]+$/, 'IAM characters'));
const ECS_NAME = all(lengthAtMost(255), matches(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _'));

/**
 * The name-like attributes of every resource type the app creates, with AWS's documented limit.
 * `literal` attributes must not be Terraform expressions (names AutoMock makes itself).
 */
const NAME_RULES: Record<string, Record<string, { rule: Rule; literal?: boolean }>> = {
  aws_acm_certificate: { domain_name: { rule: lengthAtMost(64), literal: true } },
  aws_appautoscaling_policy: { name: { rule: lengthAtMost(256), literal: true } },
  // PutDashboard: 1-255 of A-Z, a-z, 0-9, - and _.
  aws_cloudwatch_dashboard: {
    dashboard_name: {
      rule: all(lengthAtMost(255), matches(/^[A-Za-z0-9_-]+$/, 'dashboard name characters')),
      literal: true,
    },
  },
  // PutQueryDefinition (CloudWatch Logs API reference): a name of 1-255 characters, a query of
  // 1-10,000.
  aws_cloudwatch_query_definition: {
    name: { rule: lengthAtMost(255), literal: true },
    query_string: { rule: lengthAtMost(10000) },
  },
  aws_cloudwatch_event_rule: {
    name: {
      rule: all(lengthAtMost(64), matches(/^[.\-_A-Za-z0-9]+$/, 'rule name characters')),
      literal: true,
    },
    description: { rule: lengthAtMost(512) },
  },
  aws_cloudwatch_log_group: {
    name: {
      rule: all(lengthAtMost(512), matches(/^[.\-_/#A-Za-z0-9]+$/, 'log group characters')),
      literal: true,
    },
  },
  aws_cloudwatch_metric_alarm: {
    alarm_name: { rule: lengthAtMost(255), literal: true },
    alarm_description: { rule: lengthAtMost(1024) },
  },
  aws_dynamodb_table: {
    name: {
      rule: all(lengthAtMost(255), matches(/^[A-Za-z0-9_.-]{3,}$/, 'table name characters')),
      literal: true,
    },
  },
  aws_ecs_cluster: { name: { rule: ECS_NAME, literal: true } },
  aws_ecs_service: { name: { rule: ECS_NAME, literal: true } },
  aws_ecs_task_definition: { family: { rule: ECS_NAME, literal: true } },
  aws_iam_role: {
    name: { rule: IAM_NAME(64), literal: true },
    description: { rule: lengthAtMost(1000) },
  },
  aws_iam_role_policy: { name: { rule: IAM_NAME(128), literal: true } },
  // CreatePolicy: name 1-128 of [\w+=,.@-], description at most 1000, a managed policy document
  // at most 6,144 characters (IAM does not count whitespace).
  aws_iam_policy: {
    name: { rule: IAM_NAME(128), literal: true },
    description: { rule: lengthAtMost(1000) },
    policy: {
      rule: (v) =>
        v.replace(/\s/g, '').length <= 6144 || `longer than 6144 (${v.replace(/\s/g, '').length})`,
    },
  },
  aws_kms_alias: {
    // CreateAlias: 1-256 characters including the required "alias/" prefix; alias/aws/ is
    // reserved for AWS managed keys (KMS developer guide, "Create aliases"; the provider's
    // validNameForResource).
    name: {
      rule: all(
        lengthAtMost(256),
        matches(/^alias\/[A-Za-z0-9/_-]+$/, 'alias/ followed by letters, digits, / _ -'),
        (v) => !v.startsWith('alias/aws/') || "starts with the reserved 'alias/aws/'",
      ),
      literal: true,
    },
  },
  // CreateKey: a description of at most 8192 characters (the provider validates 0-8192).
  aws_kms_key: { description: { rule: lengthAtMost(8192) } },
  aws_lambda_function: {
    function_name: {
      rule: all(lengthAtMost(64), matches(/^[A-Za-z0-9_-]+$/, 'function name characters')),
      literal: true,
    },
    description: { rule: lengthAtMost(256) },
  },
  aws_lb: { name: { rule: ELB_NAME, literal: true } },
  aws_lb_target_group: { name: { rule: ELB_NAME, literal: true } },
  aws_route53_record: { name: { rule: lengthAtMost(253) } },
  aws_s3_bucket: {
    bucket: {
      rule: matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a 3-63 character bucket name'),
      literal: true,
    },
  },
  aws_s3_object: { key: { rule: (v) => Buffer.byteLength(v) <= 1024 || 'longer than 1024 bytes' } },
  aws_s3_object_copy: {
    key: { rule: (v) => Buffer.byteLength(v) <= 1024 || 'longer than 1024 bytes' },
  },
  aws_secretsmanager_secret: {
    // CreateSecret: Name 1-512 characters of ASCII letters, digits and /_+=.@- (botocore's
    // secretsmanager model, NameType max 512), and not ending in a hyphen and six characters,
    // which partial-ARN lookups and IAM's `-??????` resource patterns take for the suffix
    // Secrets Manager appends. Description at most 2048.
    name: {
      rule: all(
        lengthAtMost(512),
        matches(/^[A-Za-z0-9/_+=.@-]+$/, 'secret name characters'),
        (v) => !/-[A-Za-z0-9]{6}$/.test(v) || 'ends in a hyphen and six characters',
      ),
      literal: true,
    },
    description: { rule: lengthAtMost(2048) },
  },
  aws_security_group: {
    name: { rule: lengthAtMost(255), literal: true },
    description: { rule: lengthAtMost(255) },
  },
  aws_sns_topic: {
    name: {
      rule: all(lengthAtMost(256), matches(/^[A-Za-z0-9_-]+$/, 'topic characters')),
      literal: true,
    },
  },
  aws_sqs_queue: {
    name: {
      rule: all(lengthAtMost(80), matches(/^[A-Za-z0-9_-]+$/, 'queue characters')),
      literal: true,
    },
  },
  // The environment's Cloud Map namespace: a private DNS name (253 characters, 63 per label).
  aws_service_discovery_private_dns_namespace: {
    name: {
      rule: all(
        lengthAtMost(253),
        matches(/^([a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}$/, 'DNS labels of 1-63 characters'),
      ),
      literal: true,
    },
    description: { rule: lengthAtMost(1024) },
  },
  aws_vpc_security_group_ingress_rule: { description: { rule: lengthAtMost(255) } },
  aws_vpc_security_group_egress_rule: { description: { rule: lengthAtMost(255) } },
};
/** Types the app creates that have no name-like attribute of their own. */
const NO_NAMES = new Set([
  'aws_acm_certificate_validation',
  'aws_appautoscaling_target',
  'aws_cloudwatch_event_target',
  'aws_default_security_group',
  'aws_ecs_cluster_capacity_providers',
  'aws_eip',
  'aws_flow_log',
  'aws_iam_openid_connect_provider',
  'aws_iam_role_policy_attachment',
  'aws_internet_gateway',
  'aws_lambda_function_event_invoke_config',
  'aws_lambda_permission',
  'aws_lb_listener',
  'aws_lb_listener_rule',
  'aws_nat_gateway',
  'aws_route',
  'aws_route_table',
  'aws_route_table_association',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning',
  'aws_secretsmanager_secret_version',
  'aws_sns_topic_subscription',
  'aws_subnet',
  'aws_vpc',
  'aws_vpc_endpoint',
  'terraform_data',
]);

const resources = () =>
  stacks.flatMap((s) =>
    Object.entries(s.json.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([id, body]) => ({
        stack: s,
        type,
        address: `${s.name}:${type}.${id}`,
        body,
      })),
    ),
  );

describe('the worst-case app (longest legal names and values)', () => {
  it('synthesises every stack', () => {
    expect(stacks.map((s) => s.name).sort()).toEqual([
      'bootstrap-ap-southeast-7',
      'dedicatedbbb',
      `dedicatedbbb-${longName}`,
      'hostroutedaa',
      `hostroutedaa-${longName}`,
      'portroutedcc',
      `portroutedcc-${'m'.repeat(PROJECT_NAME_MAX)}`,
      `portroutedcc-${longName}`,
      `portroutedcc-${'o'.repeat(PROJECT_NAME_MAX)}`,
    ]);
  });

  // Issue 13: the reaper's workload deletes made the boundary of the longest prefix and region
  // outgrow one managed policy; its action families keep it within, with those deletes in it
  // (5,722 characters with issue 14's).
  it("fits every environment's permissions boundary, the reaper's workload deletes included, in one managed policy", () => {
    const bootstrap = stacks.find((s) => s.name.startsWith('bootstrap-'))!;
    const boundaries = Object.values(bootstrap.json.resource?.aws_iam_policy ?? {}).filter((p) =>
      String(p.name).endsWith('-boundary'),
    );
    expect(boundaries).toHaveLength(ENVS.length);
    for (const b of boundaries) {
      const text = String(b.policy);
      expect(text.replace(/\s/g, '').length).toBeLessThanOrEqual(6144);
      for (const a of [
        'events:DeleteRule',
        'scheduler:DeleteScheduleGroup',
        'servicediscovery:DeleteService',
        // Issue 14's: a workload's database, files, mail, user pools and HTTP APIs.
        'rds:DeleteDBInstance',
        'elasticfilesystem:DeleteFileSystem',
        'ses:DeleteEmailIdentity',
        'cognito-idp:DeleteUserPool',
        'apigateway:DELETE',
      ])
        expect(text).toContain(`"${a}"`);
    }
  });

  it('has a known rule (or none needed) for every resource type it creates', () => {
    const unknown = [...new Set(resources().map((r) => r.type))].filter(
      (t) => !(t in NAME_RULES) && !NO_NAMES.has(t),
    );
    expect(unknown).toEqual([]);
  });

  it('keeps every name-like attribute of every resource within its AWS limit', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const r of resources()) {
      for (const [attr, { rule, literal }] of Object.entries(NAME_RULES[r.type] ?? {})) {
        const v = r.body[attr];
        if (v === undefined) continue;
        if (isToken(v)) {
          if (literal)
            problems.push(`${r.address}.${attr} is an expression, not a name AutoMock made`);
          continue;
        }
        const res = rule(String(v));
        checked++;
        if (res !== true) problems.push(`${r.address}.${attr} = ${JSON.stringify(v)}: ${res}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(150);
  });

  it('keeps listener rule conditions within ALB limits (values at most 128 characters, at most 5 per rule)', () => {
    const problems: string[] = [];
    let hosts = 0;
    let fullest = 0;
    for (const r of resources().filter((x) => x.type === 'aws_lb_listener_rule')) {
      let values = 0;
      for (const c of (r.body.condition as Record<string, { values?: string[] }>[]) ?? []) {
        for (const [kind, cond] of Object.entries(c)) {
          for (const v of cond.values ?? []) {
            values++;
            if (kind === 'host_header') hosts++;
            if (v.length > 128) problems.push(`${r.address} ${kind} ${v} (${v.length})`);
          }
        }
      }
      if (values > 5) problems.push(`${r.address}: ${values} condition values`);
      fullest = Math.max(fullest, values);
    }
    expect(problems).toEqual([]);
    expect(hosts).toBeGreaterThan(0);
    // The maximum CIDR lists really filled a rule.
    expect(fullest).toBe(5);
  });

  it('keeps every resource within AWS tag limits, provider default tags included (S3 objects: 10)', () => {
    const problems: string[] = [];
    let objects = 0;
    for (const r of resources()) {
      const own = r.body.tags as Record<string, string> | undefined;
      if (own === undefined) continue;
      expect(isToken(own)).toBe(false);
      const defaults = Object.assign(
        {},
        ...(r.stack.json.provider?.aws?.[0]?.default_tags ?? []).map((d) => d.tags ?? {}),
      );
      const tags = { ...defaults, ...own };
      const limit = S3_OBJECT_TYPES.has(r.type) ? OBJECT_TAG_LIMIT : RESOURCE_TAG_LIMIT;
      if (S3_OBJECT_TYPES.has(r.type)) objects++;
      const n = Object.keys(tags).length;
      if (n > limit) problems.push(`${r.address}: ${n} tags, limit ${limit}`);
      for (const [k, v] of Object.entries(tags)) {
        if (k.length > TAG_KEY_MAX || !TAG_CHARSET_RE.test(k))
          problems.push(`${r.address}: key ${k}`);
        if (String(v).length > TAG_VALUE_MAX || !TAG_CHARSET_RE.test(String(v)))
          problems.push(`${r.address}: value of ${k}`);
      }
    }
    expect(problems).toEqual([]);
    expect(objects).toBeGreaterThan(0);
    // The environment's 40 tags did reach the other resources.
    const role = resources().find(
      (r) => r.type === 'aws_iam_role' && r.stack.name === 'hostroutedaa',
    )!;
    expect(Object.keys(role.body.tags as object)).toEqual(
      expect.arrayContaining(Object.keys(maxTags)),
    );
    expect(Object.keys(maxTags)).toHaveLength(MAX_USER_TAGS);
  });

  it('keeps every task definition within 64 KiB with the environment variable budget full', () => {
    const sizes: number[] = [];
    for (const r of resources().filter((x) => x.type === 'aws_ecs_task_definition')) {
      const { depends_on: _d, lifecycle: _l, provider: _p, '//': _m, ...body } = r.body;
      const containers = JSON.parse(String(body.container_definitions));
      // A reference stands for a value AWS will see in full: count each as 256 characters,
      // more than any ARN or name it stands for here.
      const request = JSON.stringify({ ...body, container_definitions: containers }).replace(
        /\$\{[^}]*\}/g,
        'x'.repeat(256),
      );
      sizes.push(Buffer.byteLength(request));
    }
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(TASK_DEFINITION_MAX_BYTES);
    // The budget really was used: the largest task definition is close to the limit.
    expect(containerEnvironmentBytes(full.environment, full.secrets)).toBe(budget);
    expect(Math.max(...sizes)).toBeGreaterThan(TASK_DEFINITION_MAX_BYTES - 8 * 1024);
  });

  it("adds exactly what core's sharedAlbProjectUsage says to the shared ALB, for every routing and access case here", () => {
    const usage = (stackName: string) => {
      const s = stacks.find((x) => x.name === stackName)!;
      const count = (t: string) => Object.keys(s.json.resource?.[t] ?? {}).length;
      return {
        listeners: count('aws_lb_listener'),
        targetGroups: count('aws_lb_target_group'),
        rules: count('aws_lb_listener_rule'),
      };
    };
    const seen = new Set<string>();
    for (const { env: envName, project } of PROJECTS) {
      if (project.isolation === 'dedicated') continue;
      const e = ENVS.find((x) => x.name === envName)!;
      const { routing, access } = defineProject(project, e);
      const expected = sharedAlbProjectUsage(routing.kind, access);
      expect({
        stack: `${envName}-${project.name}`,
        ...usage(`${envName}-${project.name}`),
      }).toEqual({ stack: `${envName}-${project.name}`, ...expected });
      seen.add(`${routing.kind}:${expected.rules}`);
    }
    // Host routing with control-plane networks (4 rules); port routing with a restricted (3) and
    // an open (2) data plane.
    expect([...seen].sort()).toEqual(['shared-host:4', 'shared-port:2', 'shared-port:3']);
  });
});
