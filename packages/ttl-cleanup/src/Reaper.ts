import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkIamPolicyArn,
  checkWarningMinutes,
  IssueCollector,
  LOG_RETENTION_DAYS,
  isValidFargateSize,
  PolicyStatement as Statement,
  policyJson,
  resourceName,
  serviceTrustStatement,
} from '@automock/core';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { AssetType, Fn, TerraformAsset, type TerraformMetaArguments, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  DESTROYER_IMAGES,
  type ReaperDestroyerProps,
  type ResolvedReaperDestroyerProps,
  ReaperDestroyerTask,
} from './ReaperDestroyer';
import { REAPER_ENV } from './reaperEnv';
import { type PolicyScope, reaperStatements } from './reaperPolicies';

const PACKAGE_ROOT = resolve(__dirname, '..');

/** Props of {@link Reaper}: names and ARNs it is scoped to ({@link PolicyScope}), and its settings. */
export interface ReaperProps extends TerraformMetaArguments, PolicyScope {
  /** Topic for the one-hour warning. @default - no warnings */
  readonly notificationTopicArn?: string;
  /** KMS key that encrypts that topic (publishing needs kms:GenerateDataKey and kms:Decrypt). @default - an unencrypted topic */
  readonly notificationTopicKeyArn?: string;
  /**
   * Minutes before expiry at which warnings go out (the environment's `expiryWarningMinutes`).
   * @default [60, 15]
   */
  readonly warningMinutes?: readonly number[];
  /** EventBridge schedule. @default 'rate(15 minutes)' */
  readonly schedule?: string;
  /** Run on the schedule at all (false keeps everything but disables the rule). @default true */
  readonly enabled?: boolean;
  /** Lambda log and destroyer log retention (a CloudWatch-allowed value). @default 14 */
  readonly logRetentionDays?: number;
  /** Lambda timeout, 60-900 s; the run stops 30 s before it. @default 900 */
  readonly timeoutSeconds?: number;
  /** Lambda memory, 128-10240 MiB. @default 256 */
  readonly memoryMiB?: number;
  /** Report only: warn nothing, delete nothing (logs what it would do). @default false */
  readonly dryRun?: boolean;
  /** The terraform-destroy task. @default - teardown by the tag-scoped sweep only */
  readonly destroyer?: ReaperDestroyerProps;
  /**
   * Directory holding the bundled handler `index.js` and its deployment package `reaper.zip`
   * (both made by this package's build). @default this package's dist/lambda
   */
  readonly lambdaBundleDir?: string;
  /** The bundled destroyer script. @default this package's dist/destroyer-task/index.js */
  readonly destroyerScriptPath?: string;
  /**
   * ARN of the IAM policy set as the permissions boundary of every role this construct creates
   * (the CI apply role may create roles only with its environment's boundary).
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: string;
}

/** The Lambda deployment package in the bundle directory. */
const LAMBDA_ZIP = 'reaper.zip';

/** Defaults of {@link ReaperProps} (and its `destroyer`), merged field by field. */
export const REAPER_DEFAULTS = {
  partition: 'aws',
  warningMinutes: [60, 15],
  schedule: 'rate(15 minutes)',
  enabled: true,
  logRetentionDays: 14,
  timeoutSeconds: 900,
  memoryMiB: 256,
  dryRun: false,
  lambdaBundleDir: join(PACKAGE_ROOT, 'dist', 'lambda'),
  destroyerScriptPath: join(PACKAGE_ROOT, 'dist', 'destroyer-task', 'index.js'),
  destroyer: { cpu: 512, memoryMiB: 1024, timeoutMinutes: 45, images: DESTROYER_IMAGES },
} as const;

/** {@link ReaperProps} with every default filled in. */
export interface ResolvedReaperProps extends ReaperProps {
  readonly partition: string;
  readonly warningMinutes: readonly number[];
  readonly schedule: string;
  readonly enabled: boolean;
  readonly logRetentionDays: number;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  readonly dryRun: boolean;
  readonly lambdaBundleDir: string;
  readonly destroyerScriptPath: string;
  readonly destroyer?: ResolvedReaperDestroyerProps;
}

const SCHEDULE_RE =
  /^(rate\((1 minute|[1-9]\d* minutes|1 hour|[1-9]\d* hours|1 day|[1-9]\d* days)\)|cron\(.+\))$/;

function resolveDestroyer(
  issues: IssueCollector,
  d: ReaperDestroyerProps,
  scriptPath: string,
): ResolvedReaperDestroyerProps {
  const defaults = REAPER_DEFAULTS.destroyer;
  const cpu = d.cpu ?? defaults.cpu;
  const memoryMiB = d.memoryMiB ?? defaults.memoryMiB;
  const timeoutMinutes = d.timeoutMinutes ?? defaults.timeoutMinutes;
  if (!isValidFargateSize(cpu, memoryMiB))
    issues.add(
      'destroyer.cpu/memoryMiB',
      `${cpu}/${memoryMiB}`,
      'must be a Fargate CPU/memory combination',
    );
  if (!Token.isUnresolved(d.subnetIds) && d.subnetIds.length === 0)
    issues.add('destroyer.subnetIds', d.subnetIds, 'must list at least one subnet with egress');
  if (!Number.isInteger(timeoutMinutes) || timeoutMinutes < 5 || timeoutMinutes > 180)
    issues.add('destroyer.timeoutMinutes', timeoutMinutes, 'must be a whole number from 5 to 180');
  if (!existsSync(scriptPath))
    issues.add(
      'destroyerScriptPath',
      scriptPath,
      "must exist (run 'pnpm --filter @automock/ttl-cleanup build')",
    );
  const images: Record<keyof typeof DESTROYER_IMAGES, string> = { ...defaults.images };
  for (const [k, v] of Object.entries(d.images ?? {}))
    if (v !== undefined) images[k as keyof typeof DESTROYER_IMAGES] = v;
  return { ...d, cpu, memoryMiB, timeoutMinutes, images };
}

/**
 * Validates {@link ReaperProps} and fills in defaults. Every problem is reported at once.
 *
 * @throws ConfigValidationError naming each field, value and rule.
 */
export function resolveReaperProps(props: ReaperProps): ResolvedReaperProps {
  const issues = new IssueCollector();
  const schedule = props.schedule ?? REAPER_DEFAULTS.schedule;
  if (!Token.isUnresolved(schedule) && !SCHEDULE_RE.test(schedule))
    issues.add(
      'schedule',
      schedule,
      "must be an EventBridge expression like 'rate(15 minutes)' or 'cron(0/15 * * * ? *)'",
    );
  const warningMinutes = props.warningMinutes ?? REAPER_DEFAULTS.warningMinutes;
  checkWarningMinutes(issues, 'warningMinutes', warningMinutes);
  const logRetentionDays = props.logRetentionDays ?? REAPER_DEFAULTS.logRetentionDays;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays))
    issues.add(
      'logRetentionDays',
      logRetentionDays,
      `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
    );
  const timeoutSeconds = props.timeoutSeconds ?? REAPER_DEFAULTS.timeoutSeconds;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60 || timeoutSeconds > 900)
    issues.add(
      'timeoutSeconds',
      timeoutSeconds,
      'must be a whole number from 60 to 900 (Lambda maximum)',
    );
  const memoryMiB = props.memoryMiB ?? REAPER_DEFAULTS.memoryMiB;
  if (!Number.isInteger(memoryMiB) || memoryMiB < 128 || memoryMiB > 10240)
    issues.add('memoryMiB', memoryMiB, 'must be a whole number from 128 to 10240');
  checkIamPolicyArn(issues, 'permissionsBoundary', props.permissionsBoundary);
  const lambdaBundleDir = props.lambdaBundleDir ?? REAPER_DEFAULTS.lambdaBundleDir;
  if (
    !existsSync(join(lambdaBundleDir, 'index.js')) ||
    !existsSync(join(lambdaBundleDir, LAMBDA_ZIP))
  )
    issues.add(
      'lambdaBundleDir',
      lambdaBundleDir,
      `must contain index.js and ${LAMBDA_ZIP} (run 'pnpm --filter @automock/ttl-cleanup build')`,
    );
  const destroyerScriptPath = props.destroyerScriptPath ?? REAPER_DEFAULTS.destroyerScriptPath;
  const destroyer = props.destroyer
    ? resolveDestroyer(issues, props.destroyer, destroyerScriptPath)
    : undefined;
  issues.throwIfAny('Reaper');
  return {
    ...props,
    partition: props.partition ?? REAPER_DEFAULTS.partition,
    warningMinutes,
    schedule,
    enabled: props.enabled ?? REAPER_DEFAULTS.enabled,
    logRetentionDays,
    timeoutSeconds,
    memoryMiB,
    dryRun: props.dryRun ?? REAPER_DEFAULTS.dryRun,
    lambdaBundleDir,
    destroyerScriptPath,
    destroyer,
  };
}

/**
 * The environment's TTL reaper: a Lambda (Node.js 22, esbuild bundle) run by an EventBridge
 * schedule, with its log group, a dead-letter queue for failed runs, and least-privilege IAM;
 * optionally the one-off Fargate task that runs `terraform destroy` on an expired project's stored
 * stack (task definition, roles, security group, and the script it runs, stored in the state
 * bucket). See the package README for the permissions that cannot be tag-conditioned.
 */
export class Reaper extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly schedule: CloudwatchEventRule;
  readonly deadLetterQueue: SqsQueue;
  /** The terraform-destroy task, when `destroyer` was given. */
  readonly destroyer?: ReaperDestroyerTask;
  /** Present when `destroyer` was given. */
  readonly destroyerTaskDefinition?: EcsTaskDefinition;
  readonly destroyerTaskRole?: IamRole;
  readonly destroyerSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: ReaperProps) {
    // Validate before joining the tree, so bad input leaves no half-built construct behind.
    const p = resolveReaperProps(props);
    super(scope, id);

    const meta = { provider: p.provider, dependsOn: p.dependsOn };
    const parts = { prefix: p.prefix, env: p.env };
    const functionName = resourceName('lambda', { ...parts, kind: 'reaper' });

    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      ...meta,
      // The name Lambda writes to; creating it first lets us set retention.
      name: `/aws/lambda/${functionName}`,
      retentionInDays: p.logRetentionDays,
    });
    this.deadLetterQueue = new SqsQueue(this, 'DeadLetterQueue', {
      ...meta,
      name: resourceName('generic', { ...parts, kind: 'reaper-dlq' }),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 86_400,
    });

    this.role = new IamRole(this, 'Role', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: 'reaper' }),
      assumeRolePolicy: policyJson([serviceTrustStatement('lambda.amazonaws.com')]),
      permissionsBoundary: p.permissionsBoundary,
    });
    const statements: Statement[] = [
      ...reaperStatements(p),
      {
        Sid: 'OwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${this.logGroup.arn}:*`,
      },
      {
        Sid: 'FailureDestination',
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: this.deadLetterQueue.arn,
      },
    ];
    if (p.notificationTopicArn)
      statements.push({
        Sid: 'Warnings',
        Effect: 'Allow',
        Action: ['sns:Publish'],
        Resource: p.notificationTopicArn,
      });
    if (p.notificationTopicKeyArn)
      statements.push({
        Sid: 'EncryptWarnings',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: p.notificationTopicKeyArn,
      });

    // Projects' own topics (their deployers' addresses) get the warnings and notices too; they
    // are encrypted with the environment's key.
    statements.push({
      Sid: 'ProjectTopics',
      Effect: 'Allow',
      Action: ['sns:Publish'],
      Resource: `arn:${p.partition}:sns:${p.region}:${p.accountId}:${p.prefix}-${p.env}-*`,
    });
    const environment: Record<string, string> = {
      [REAPER_ENV.env]: p.env,
      [REAPER_ENV.accountId]: p.accountId,
      [REAPER_ENV.namePrefix]: p.prefix,
      [REAPER_ENV.warningMinutes]: p.warningMinutes.join(','),
      [REAPER_ENV.registryTable]: p.registryTableName,
      [REAPER_ENV.stateBucket]: p.stateBucketName,
      [REAPER_ENV.lockTable]: p.lockTableName,
      [REAPER_ENV.dryRun]: String(p.dryRun),
      NODE_OPTIONS: '--enable-source-maps',
    };
    if (p.notificationTopicArn) environment[REAPER_ENV.topicArn] = p.notificationTopicArn;

    if (p.destroyer) {
      this.destroyer = new ReaperDestroyerTask(this, 'Destroyer', {
        ...meta,
        policyScope: p,
        destroyer: p.destroyer,
        scriptPath: p.destroyerScriptPath,
        logRetentionDays: p.logRetentionDays,
        permissionsBoundary: p.permissionsBoundary,
      });
      statements.push(...this.destroyer.reaperStatements);
      Object.assign(environment, this.destroyer.reaperEnvironment);
      this.destroyerTaskDefinition = this.destroyer.taskDefinition;
      this.destroyerTaskRole = this.destroyer.taskRole;
      this.destroyerSecurityGroup = this.destroyer.securityGroup;
    }

    new IamRolePolicy(this, 'Policy', {
      ...meta,
      name: 'reaper',
      role: this.role.id,
      policy: policyJson(statements),
    });

    // A zip prebuilt with fixed timestamps: zipping here would start a child process per stack
    // (most of a synth's time), and the zip's bytes now change only with the code.
    const asset = new TerraformAsset(this, 'Bundle', {
      path: join(p.lambdaBundleDir, LAMBDA_ZIP),
      type: AssetType.FILE,
    });
    this.function = new LambdaFunction(this, 'Function', {
      ...meta,
      functionName,
      description: `AutoMock TTL reaper for ${p.env}: warns, then tears down expired projects`,
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      timeout: p.timeoutSeconds,
      memorySize: p.memoryMiB,
      // One run at a time: runs are idempotent, but overlapping sweeps would only add API calls.
      reservedConcurrentExecutions: 1,
      environment: { variables: environment },
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      dependsOn: [this.logGroup, ...(p.dependsOn ?? [])],
    });
    new LambdaFunctionEventInvokeConfig(this, 'InvokeConfig', {
      ...meta,
      functionName: this.function.functionName,
      // The next scheduled run is the retry.
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 900,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
    });

    this.schedule = new CloudwatchEventRule(this, 'Schedule', {
      ...meta,
      name: resourceName('eventRule', { ...parts, kind: 'reaper' }),
      description: `Runs the AutoMock TTL reaper for ${p.env}`,
      scheduleExpression: p.schedule,
      state: p.enabled ? 'ENABLED' : 'DISABLED',
    });
    new CloudwatchEventTarget(this, 'Target', {
      ...meta,
      rule: this.schedule.name,
      arn: this.function.arn,
    });
    new LambdaPermission(this, 'AllowSchedule', {
      ...meta,
      statementId: 'AllowEventBridgeSchedule',
      action: 'lambda:InvokeFunction',
      functionName: this.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.schedule.arn,
    });
  }
}
