import { controlPlaneSecretName, LOG_DELIVERY_ACTIONS, PolicyStatement } from '@automock/core';

/** Tag key that names a resource's environment (core's `TAG_ENV`; every AutoMock resource has it). */
export const ENV_TAG = 'automock:env';

/**
 * Actions without resource-level permissions: AWS accepts them only with `"Resource": "*"` (the
 * Service Authorization Reference lists no resource type for them; the tests check this list
 * against it). Everything else is scoped to the environment.
 */
export const WILDCARD_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  'acm:RequestCertificate',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
  // issue 14, scaling schedules: no resource type (Service Authorization Reference)
  'application-autoscaling:DescribeScheduledActions',
  'ec2:DescribeAddresses',
  'ec2:DescribeAddressesAttribute',
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeFlowLogs',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeNatGateways',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribePrefixLists',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcs',
  'ecs:DeregisterTaskDefinition',
  'ecs:DescribeTaskDefinition',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeListenerCertificates',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetGroups',
  'kms:CreateKey',
  'kms:ListAliases',
  'logs:DeleteQueryDefinition',
  'logs:DescribeLogGroups',
  'logs:DescribeQueryDefinitions',
  'logs:PutQueryDefinition',
  // Workload services (issue 13): Cloud Map's tagging calls name no resource type.
  'servicediscovery:ListTagsForResource',
  'servicediscovery:TagResource',
  'servicediscovery:UntagResource',
  'secretsmanager:GetRandomPassword',
  // The environment's Cloud Map private DNS namespace: the calls Cloud Map makes as the caller to
  // create its private hosted zone (route53:CreateHostedZone takes no tag condition).
  'servicediscovery:CreatePrivateDnsNamespace',
  'route53:CreateHostedZone',
  'route53:ListHostedZonesByName',
  'ec2:DescribeRegions',
  // ---- database tier (issue 14 A)
  'ec2:DescribeAccountAttributes',
  'ssm:DescribeParameters',
  // Workload identity (issue 14): pools have generated ids; domains are looked up by name.
  'cognito-idp:CreateUserPool',
  'cognito-idp:DescribeUserPoolDomain',
  // Workload files (issue 14 E): CreateFileSystem names no resource type (file system ids are
  // generated); it takes aws:RequestTag, so it is allowed only tagged for the environment.
  'elasticfilesystem:CreateFileSystem',
  // Workload HTTP API (issue 14): a stage's access log is delivered by CloudWatch Logs' log
  // delivery, whose calls have no resource type.
  ...LOG_DELIVERY_ACTIONS,
]);

/**
 * Wildcard-only actions that create a resource carrying tags: allowed only when the request tags
 * the new resource with the environment (`aws:RequestTag/automock:env`).
 */
export const TAGGED_WILDCARD_CREATES: ReadonlySet<string> = new Set([
  'acm:RequestCertificate',
  'kms:CreateKey',
  'servicediscovery:CreatePrivateDnsNamespace',
  // Workload identity (issue 14): CreateUserPool carries the pool's tags.
  'cognito-idp:CreateUserPool',
  // Workload files (issue 14 E): CreateFileSystem carries the file system's tags.
  'elasticfilesystem:CreateFileSystem',
]);

/** The Cloud Map namespace type whose private hosted zone CI must be able to read (any zone id). */
export const PRIVATE_DNS_NAMESPACE_TYPE = 'aws_service_discovery_private_dns_namespace';

/**
 * KMS actions authorised on an alias as well as on its key (the Service Authorization Reference
 * requires both resource types): aliases are scoped by name, keys by tag.
 */
export const KMS_ALIAS_ACTIONS: readonly string[] = [
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
];

/**
 * Services whose resources are scoped by the `automock:env` tag (their ARNs carry generated ids or
 * length-limited names), with the actions that are authorised against the resource they create
 * (so they can only be checked against the tags in the request) and, where the service has one,
 * the condition key that tells a tagging call made as part of a create.
 */
export const TAG_SCOPED_SERVICES: Readonly<
  Record<string, { readonly creates: readonly string[]; readonly tagOnCreate?: TagOnCreate }>
> = {
  ec2: {
    creates: [
      'ec2:CreateVpc',
      'ec2:CreateSubnet',
      'ec2:CreateInternetGateway',
      'ec2:AllocateAddress',
      'ec2:CreateNatGateway',
      'ec2:CreateRouteTable',
      'ec2:CreateSecurityGroup',
      'ec2:CreateVpcEndpoint',
      'ec2:CreateFlowLogs',
      // The rule (security-group-rule) is new; its group is checked by its own tags.
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupEgress',
    ],
    tagOnCreate: { action: 'ec2:CreateTags', key: 'ec2:CreateAction' },
  },
  elasticloadbalancing: {
    // CreateListener and CreateRule are authorised against their (existing) load balancer and
    // listener, so they are checked by those resources' tags instead.
    creates: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
    tagOnCreate: {
      action: 'elasticloadbalancing:AddTags',
      key: 'elasticloadbalancing:CreateAction',
      createActions: [
        'elasticloadbalancing:CreateLoadBalancer',
        'elasticloadbalancing:CreateTargetGroup',
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:CreateRule',
      ],
    },
  },
  'application-autoscaling': {
    creates: [
      'application-autoscaling:RegisterScalableTarget',
      'application-autoscaling:TagResource',
    ],
  },
  acm: { creates: ['acm:RequestCertificate', 'acm:AddTagsToCertificate'] },
  // Workload services (issue 13): Cloud Map ids are generated, so services are scoped by tag.
  servicediscovery: { creates: ['servicediscovery:CreateService'] },
  // Workload identity (issue 14): pool ids are generated. CreateUserPool is wildcard-only (see
  // TAGGED_WILDCARD_CREATES); groups, clients and domains are authorised against their pool, so
  // its tag decides them.
  'cognito-idp': { creates: [] },
  // Workload mail (issue 14 M): identities are named by their domain or address, not ours, so
  // SES is scoped by tag; both creates carry the tags in their request.
  ses: { creates: ['ses:CreateEmailIdentity', 'ses:CreateConfigurationSet'] },
  // Workload files (issue 14 E): file system and access point ids are generated. CreateFileSystem
  // is wildcard-only (TAGGED_WILDCARD_CREATES); CreateAccessPoint and CreateMountTarget are
  // authorised against their (tagged) file system; tags sent with a create are authorised with
  // elasticfilesystem:CreateAction.
  elasticfilesystem: {
    creates: [],
    tagOnCreate: {
      action: 'elasticfilesystem:TagResource',
      key: 'elasticfilesystem:CreateAction',
      createActions: ['elasticfilesystem:CreateFileSystem', 'elasticfilesystem:CreateAccessPoint'],
    },
  },
};

/** A service's tagging action and the condition key naming the create call it is part of. */
export interface TagOnCreate {
  readonly action: string;
  readonly key: string;
  /** @default - the service's `creates` */
  readonly createActions?: readonly string[];
}

/** Actions that remove tags: none may remove `automock:env`. */
export const UNTAG_ACTIONS: readonly string[] = [
  'acm:RemoveTagsFromCertificate',
  'application-autoscaling:UntagResource',
  'cloudwatch:UntagResource',
  'dynamodb:UntagResource',
  'ec2:DeleteTags',
  'ecr:UntagResource',
  'ecs:UntagResource',
  'elasticloadbalancing:RemoveTags',
  'events:UntagResource',
  'iam:UntagRole',
  'kms:UntagResource',
  'lambda:UntagResource',
  'logs:UntagResource',
  'rds:RemoveTagsFromResource',
  'ssm:RemoveTagsFromResource',
  'secretsmanager:UntagResource',
  'servicediscovery:UntagResource',
  'sns:UntagResource',
  'sqs:UntagQueue',
  'scheduler:UntagResource',
  // Workload identity (issue 14)
  'cognito-idp:UntagResource',
  // Workload mail (issue 14 M)
  'ses:UntagResource',
  // Workload files (issue 14 E)
  'elasticfilesystem:UntagResource',
];

/** Where one environment's resources are, for scoping its CI permissions. */
export interface EnvironmentScope {
  readonly partition: string;
  readonly accountId: string;
  /** Region the environment deploys to. */
  readonly region: string;
  /** Resource name prefix (`automock`). */
  readonly prefix: string;
  /** Environment name. */
  readonly env: string;
  /** The account-and-region state bucket. */
  readonly stateBucket: string;
  /** The DynamoDB lock table. */
  readonly lockTable: string;
  /** Region of the state bucket and lock table. */
  readonly stateRegion: string;
  /** Route53 zone of the environment's domain. @default - no DNS permissions */
  readonly hostedZoneId?: string;
  /** The environment's domain: DNS changes are limited to it and its subdomains. @default - none */
  readonly domainName?: string;
}

/**
 * ARN patterns of the environment's resources in the services scoped by name. Every name AutoMock
 * gives starts with `<prefix>-<env>-` (or is a path with `/<prefix>/<env>/`), and core refuses
 * environment names that would let one environment's patterns cover another's names.
 */
export function namedResources(
  service: string,
  s: EnvironmentScope,
): readonly string[] | undefined {
  const regional = (svc: string, rest: string) =>
    `arn:${s.partition}:${svc}:${s.region}:${s.accountId}:${rest}`;
  const own = `${s.prefix}-${s.env}`;
  switch (service) {
    case 'lambda':
      return [regional('lambda', `function:${own}-*`)];
    case 'sqs':
      return [regional('sqs', `${own}-*`)];
    // Workload tables (`<own>-<workload>-<name>`, their indexes and streams below them); the
    // account's lock and registry tables are `<prefix>-terraform-locks` and `<prefix>-deployments`,
    // names core refuses for environments.
    case 'dynamodb':
      return [regional('dynamodb', `table/${own}-*`)];
    // Subscriptions are `<topic ARN>:<id>`, so the topic pattern covers them.
    case 'sns':
      return [regional('sns', `${own}-*`)];
    case 'logs':
      return [
        regional('logs', `log-group:/${s.prefix}/${s.env}/*`),
        // A dedicated project's own network names itself `<env>-<project>`.
        regional('logs', `log-group:/${s.prefix}/${s.env}-*`),
        regional('logs', `log-group:/aws/lambda/${own}-*`),
        regional('logs', `log-group:/ecs/${s.prefix}/${s.env}/*`),
      ];
    case 'events':
      return [regional('events', `rule/${own}-*`)];
    // A workload's schedules live in its group `<prefix>-<env>-<workload>`: schedule ARNs are
    // `schedule/<group>/<name>`.
    case 'scheduler':
      return [
        regional('scheduler', `schedule-group/${own}-*`),
        regional('scheduler', `schedule/${own}-*/*`),
      ];
    // Secret names are paths: `<prefix>/<env>/…` (the delimiter keeps `dev-eu` out of `dev`).
    case 'secretsmanager':
      return [regional('secretsmanager', `secret:${s.prefix}/${s.env}/*`)];
    case 'cloudwatch':
      return [
        regional('cloudwatch', `alarm:${own}-*`),
        // Dashboards are global: their ARNs carry no region.
        `arn:${s.partition}:cloudwatch::${s.accountId}:dashboard/${own}-*`,
      ];
    case 'ecs':
      return [
        regional('ecs', `cluster/${own}`),
        regional('ecs', `service/${own}/*`),
        regional('ecs', `task-definition/${own}-*:*`),
      ];
    // Workload repositories: `<prefix>-<env>-<workload>-<name>` (core's ecrRepository kind).
    case 'ecr':
      return [regional('ecr', `repository/${own}-*`)];
    // Database tier (issue 14 A): RDS resources are named `<prefix>-<env>-…`, and their ARNs
    // carry the name after the resource type (`subgrp:`, `pg:`, `db:`, `snapshot:`).
    case 'rds':
      return ['subgrp', 'pg', 'db', 'snapshot'].map((t) => regional('rds', `${t}:${own}-*`));
    // A workload database's connection parameters, seed 004's `/<env>/<workload>/postgres_*`:
    // exactly the four names it writes, so no other parameter under `/<env>/` (the seed keeps a
    // password there) is readable by CI.
    case 'ssm':
      return ['host', 'port', 'database', 'username'].map((k) =>
        regional('ssm', `parameter/${s.env}/*/postgres_${k}`),
      );
    case 'route53':
      return s.hostedZoneId
        ? [
            `arn:${s.partition}:route53:::hostedzone/${s.hostedZoneId}`,
            `arn:${s.partition}:route53:::change/*`,
          ]
        : [];
    default:
      return undefined;
  }
}

/**
 * Actions that return a secret's value, and the only secrets whose value CI may read: those a
 * Terraform resource of the environment's stacks writes (`secretNames`, as the inventory lists
 * them). The provider can refresh an `aws_secretsmanager_secret_version` only through
 * GetSecretValue, so a plan of a stack holding one needs it. They are the projects' control-plane
 * tokens, readable as `<prefix>/<env>/<project>/control-plane-token` for any project (the value
 * also sits in the project's state and in its listener rules, which any
 * `elasticloadbalancing:DescribeRules` caller, the plan role included, reads), and the generated
 * secrets of the environment's declared workloads, each by its exact name: never a workload's
 * other secrets (those whose value a person puts), never `<prefix>/<env>/*`. Every other secret
 * stays unreadable.
 *
 * @param secretNames the names of the secrets the stacks write a version of; undefined for an
 * inventory that does not list them (the tokens only, as before workloads)
 * @throws Error when a name is not a literal secret name of this environment
 */
export function secretValueResources(
  s: EnvironmentScope,
  secretNames?: readonly string[],
): Readonly<Record<string, string[]>> {
  // Secrets Manager appends `-` and six characters to the name in the ARN.
  const arn = (name: string) =>
    `arn:${s.partition}:secretsmanager:${s.region}:${s.accountId}:secret:${name}-??????`;
  const own = `${s.prefix}/${s.env}/`;
  const isToken = (n: string) =>
    n.startsWith(own) && /^[^/]+\/control-plane-token$/.test(n.slice(own.length));
  for (const n of secretNames ?? []) {
    // Exact names of this environment only: a wildcard or another environment's path would
    // widen the read beyond the secrets the stacks write.
    if (!n.startsWith(own) || !/^[A-Za-z0-9/_+=.@-]+$/.test(n)) {
      throw new Error(
        `ci-access: secret ${JSON.stringify(n)} of environment ${s.env} must be a literal name under ${own}`,
      );
    }
  }
  const tokens = secretNames === undefined || secretNames.some(isToken);
  const exact = [...new Set((secretNames ?? []).filter((n) => !isToken(n)))].sort();
  return {
    'secretsmanager:GetSecretValue': [
      ...(tokens ? [arn(controlPlaneSecretName(s.prefix, s.env, '*'))] : []),
      ...exact.map(arn),
    ],
  };
}

/** Groups actions by service prefix (`ec2:CreateVpc` → `ec2`), each list sorted. */
export function byService(actions: Iterable<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of actions) {
    const svc = a.split(':')[0]!;
    out.set(svc, [...(out.get(svc) ?? []), a]);
  }
  for (const [k, v] of out) out.set(k, [...new Set(v)].sort());
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** A statement id from a service name (`application-autoscaling` → `ApplicationAutoscaling`). */
export function sidOf(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** Shorthand for an Allow statement. */
export function allow(
  sid: string,
  actions: readonly string[],
  resource: string | readonly string[],
  condition?: PolicyStatement['Condition'],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: actions.length === 1 ? actions[0]! : [...actions],
    Resource: typeof resource === 'string' || resource.length !== 1 ? resource : resource[0]!,
    ...(condition ? { Condition: condition } : {}),
  };
}
