import { LOG_DELIVERY_ACTIONS } from '@automock/core';
import { asList, StackModel } from '../model';
import { anyIamGlob, ReadStatement, readPolicy } from '../policy-document';
import { errorRule, PolicyRule, RuleViolation } from '../rule';

/**
 * Actions that do not support resource-level permissions, so IAM only accepts them with
 * `"Resource": "*"`. A statement may use `*` as its resource only when EVERY action in it is
 * covered by this list. Keep it short and add an action only after checking the Service
 * Authorization Reference ("Resource types" column empty for that action).
 */
export const RESOURCE_WILDCARD_ACTIONS: readonly string[] = [
  // ECS task execution: pulling from ECR starts with an account-wide token
  'ecr:GetAuthorizationToken',
  // A certificate has no ARN before it is requested (the CI apply role scopes it by request tag)
  'acm:RequestCertificate',
  // A KMS key has no ARN before it is created (the CI apply role scopes it by request tag);
  // aliases are found by listing them all
  'kms:CreateKey',
  'kms:ListAliases',
  // Task definitions are registered before they have an ARN
  'ecs:RegisterTaskDefinition',
  'ecs:DeregisterTaskDefinition',
  'ecs:DescribeTaskDefinition',
  'ecs:ListTaskDefinitions',
  'ecs:ListClusters',
  // Describe/List calls the CLI, reaper and health checks use
  'ec2:Describe*',
  'elasticloadbalancing:Describe*',
  'logs:DescribeLogGroups',
  // Saved Logs Insights queries (a project's query definitions) have no ARN to scope by
  'logs:PutQueryDefinition',
  'logs:DescribeQueryDefinitions',
  'logs:DeleteQueryDefinition',
  'tag:GetResources',
  'sts:GetCallerIdentity',
  'cloudwatch:PutMetricData',
  'cloudwatch:DescribeAlarms',
  'application-autoscaling:Describe*',
  // Lambda in a VPC creates its network interfaces before they exist
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  // ---- issue 14, tracing: the X-Ray daemon sidecar relays the SDK's sampling reads; neither
  // has a resource type in the Service Authorization Reference
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // ---- issue 14, seed 004's example: a Cognito user pool has no ARN before it is created (no
  // resource type in the Service Authorization Reference; the CI apply role scopes it by
  // request tag, TAGGED_WILDCARD_CREATES)
  'cognito-idp:CreateUserPool',
  // An environment's Cloud Map namespace has no ARN before it is created (the CI apply role
  // scopes it by request tag), and Cloud Map's tagging calls name no resource type
  'servicediscovery:CreatePrivateDnsNamespace',
  'servicediscovery:TagResource',
  'servicediscovery:UntagResource',
  // ...nor has the private hosted zone Cloud Map creates for it, as the caller (Route 53 has no
  // tag conditions; CI may not change records outside its environment's domain)
  'route53:CreateHostedZone',
  // The sweep finds a workload's schedule group by listing them (issue 13): the Service
  // Authorization Reference lists no resource type for ListScheduleGroups
  'scheduler:ListScheduleGroups',
  // ...and, issue 14, a workload's SES identities and configuration sets (their names are not
  // ours to scope by; the tags of each are read before anything goes)
  'ses:ListEmailIdentities',
  'ses:ListConfigurationSets',
  // ---- issue 14, files (found by 14T: a declared workload with a file system failed AM-IAM-2):
  // CreateFileSystem is wildcard-only in the Service Authorization Reference (iam-data); the CI
  // apply role scopes it by request tag, TAGGED_WILDCARD_CREATES
  'elasticfilesystem:CreateFileSystem',
  // ---- issue 14, httpApi: an API Gateway stage's access log is set up through CloudWatch Logs'
  // log delivery as the caller; none of these has a resource type
  ...LOG_DELIVERY_ACTIONS,
];

/** AWS managed policies that grant everything, directly or by letting the holder write IAM. */
export const FORBIDDEN_MANAGED_POLICIES: readonly string[] = [
  'AdministratorAccess',
  'IAMFullAccess',
];

/**
 * AWS managed policies that are broad but cannot change IAM: a Terraform apply role may need one
 * (with its IAM actions scoped separately), so they warn rather than fail.
 */
export const BROAD_MANAGED_POLICIES: readonly string[] = ['PowerUserAccess'];

function managedAttachments(stack: StackModel, names: readonly string[]): RuleViolation[] {
  const matches = (arn: unknown) =>
    typeof arn === 'string' && names.some((n) => arn.endsWith(`:policy/${n}`));
  const out: RuleViolation[] = [];
  for (const a of stack.resources(
    'aws_iam_role_policy_attachment',
    'aws_iam_user_policy_attachment',
    'aws_iam_group_policy_attachment',
    'aws_iam_policy_attachment',
  )) {
    if (matches(a.body.policy_arn)) {
      out.push({ address: a.address, message: `attaches ${String(a.body.policy_arn)}` });
    }
  }
  for (const role of stack.resources('aws_iam_role')) {
    for (const arn of asList<unknown>(role.body.managed_policy_arns).filter(matches)) {
      out.push({ address: role.address, message: `attaches ${String(arn)}` });
    }
  }
  return out;
}

interface IdentityPolicy {
  readonly address: string;
  readonly label: string;
  readonly policy: unknown;
}

function identityPolicies(stack: StackModel): IdentityPolicy[] {
  const out: IdentityPolicy[] = [];
  for (const p of stack.resources(
    'aws_iam_policy',
    'aws_iam_role_policy',
    'aws_iam_user_policy',
    'aws_iam_group_policy',
  )) {
    out.push({ address: p.address, label: 'policy', policy: p.body.policy });
  }
  for (const role of stack.resources('aws_iam_role')) {
    asList(role.body.inline_policy).forEach((ip, i) => {
      if (ip.policy !== undefined) {
        out.push({ address: role.address, label: `inline_policy #${i}`, policy: ip.policy });
      }
    });
  }
  return out;
}

function eachAllowStatement(
  stack: StackModel,
  fn: (s: ReadStatement) => string | undefined,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const p of identityPolicies(stack)) {
    const read = readPolicy(stack, p.policy);
    if (!read.ok) {
      out.push({
        address: p.address,
        message: `${p.label} ${read.reason}, so it cannot be checked`,
      });
      continue;
    }
    read.statements.forEach((s, i) => {
      if (s.effect !== 'Allow') return;
      const message = fn(s);
      if (message)
        out.push({ address: p.address, message: `${p.label} statement #${i}: ${message}` });
    });
  }
  return out;
}

const isServiceWildcard = (a: string) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a);

/** Whether every action may be used with `"Resource": "*"`. */
export function needsResourceWildcard(actions: readonly string[]): boolean {
  return actions.every(isResourceWildcardAction);
}

const isResourceWildcardAction = anyIamGlob(RESOURCE_WILDCARD_ACTIONS);

/**
 * Read actions that return data rather than metadata: on `*` they are as serious as writes
 * (AM-IAM-2), unlike Describe/List/Get of configuration (AM-IAM-5).
 */
export const DATA_READ_ACTIONS: readonly string[] = [
  's3:GetObject*',
  'secretsmanager:GetSecretValue',
  'ssm:GetParameter*',
  'dynamodb:Get*',
  'dynamodb:BatchGet*',
  'dynamodb:Query',
  'dynamodb:Scan',
  'logs:GetLogEvents',
  'logs:GetQueryResults',
  'ecr:GetDownloadUrlForLayer',
  'lambda:GetFunction',
  'kms:Decrypt',
];

/** Whether an action only reads configuration (Describe*, List*, Get* other than data reads). */
export function isMetadataRead(action: string): boolean {
  const verb = action.split(':')[1] ?? '';
  return /^(Describe|List|Get)/.test(verb) && !isDataRead(action);
}

const isDataRead = anyIamGlob(DATA_READ_ACTIONS);

/**
 * Whether the statement is scoped by the resources' tags (attribute-based access control): a
 * condition other than `Null` on `aws:ResourceTag/<key>` (or a service's `ResourceTag`).
 */
export function isTagScoped(s: ReadStatement): boolean {
  return s.conditions.some(
    (c) => !/(^|:)Null$/i.test(c.test) && /(^|:)ResourceTag\//i.test(c.variable),
  );
}

/** The actions of an Allow statement on `*` that nothing excuses, split by kind. */
function unscopedOnStar(s: ReadStatement): { writes: string[]; reads: string[] } {
  // AM-IAM-2 and AM-IAM-5 both ask, of the same statements (readPolicy keeps them per stack).
  let found = unscoped.get(s);
  if (!found) {
    found = { writes: [], reads: [] };
    if ((s.resources ?? []).includes('*') && !isTagScoped(s))
      for (const a of s.actions ?? [])
        if (!isResourceWildcardAction(a)) (isMetadataRead(a) ? found.reads : found.writes).push(a);
    unscoped.set(s, found);
  }
  return found;
}

const unscoped = new WeakMap<ReadStatement, { writes: string[]; reads: string[] }>();

export const IAM_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-IAM-1',
    'IAM policies allow no wildcard action (`*`, `service:*` or NotAction)',
    (stack) =>
      eachAllowStatement(stack, (s) => {
        if (s.notActions) return 'Allow with NotAction grants every other action';
        const wild = (s.actions ?? []).filter(isServiceWildcard);
        return wild.length > 0 ? `allows ${wild.join(', ')}; name the actions needed` : undefined;
      }),
  ),
  errorRule(
    'AM-IAM-2',
    'IAM policies allow no `*` resource for writes or data reads, unless scoped by an aws:ResourceTag condition or the action has no resource-level permissions (RESOURCE_WILDCARD_ACTIONS)',
    (stack) =>
      eachAllowStatement(stack, (s) => {
        if (s.notResources) return 'Allow with NotResource grants every other resource';
        const { writes } = unscopedOnStar(s);
        return writes.length > 0
          ? `allows ${writes.join(', ')} on resource *; scope it to the project's ARNs or by an aws:ResourceTag condition`
          : undefined;
      }),
  ),
  errorRule(
    'AM-IAM-3',
    `No role, user or group gets an all-powerful AWS managed policy (${FORBIDDEN_MANAGED_POLICIES.join(', ')})`,
    (stack) => managedAttachments(stack, FORBIDDEN_MANAGED_POLICIES),
  ),
  {
    id: 'AM-IAM-4',
    meaning: `Roles prefer scoped policies over broad AWS managed ones (${BROAD_MANAGED_POLICIES.join(', ')})`,
    level: 'warning',
    productionLevel: 'warning',
    check: (stack) => managedAttachments(stack, BROAD_MANAGED_POLICIES),
  },
  {
    id: 'AM-IAM-5',
    meaning:
      'IAM policies scope Describe/List/Get of configuration to ARNs where the service allows, rather than `*`',
    level: 'warning',
    productionLevel: 'warning',
    check: (stack) =>
      eachAllowStatement(stack, (s) => {
        const { reads } = unscopedOnStar(s);
        return reads.length > 0
          ? `allows ${reads.join(', ')} on resource *; these support resource-level permissions`
          : undefined;
      }),
  },
];
