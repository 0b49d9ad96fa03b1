import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkIamPolicyArn,
  HARDENING_EXCEPTION_LABELS,
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
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { AssetType, Fn, TerraformAsset, type TerraformMetaArguments, Token } from 'cdktf';
import { Construct } from 'constructs';
import { REAPER_ENV } from './reaperEnv';
import { type PolicyScope, destroyerStatements, reaperStatements } from './reaperPolicies';

const PACKAGE_ROOT = resolve(__dirname, '..');

/**
 * Default images of the destroyer task (public ECR, no registry credentials needed), by tag: pin
 * their digests with `destroyer.images` (the environment's `images`); none is built in, because
 * none was pulled where this code was written.
 */
export const DESTROYER_IMAGES = {
  /** Runs the destroyer script (as the image's `node` user, uid 1000). */
  node: 'public.ecr.aws/docker/library/node:22-alpine',
  /** Supplies the (static) terraform binary; pin to the version the stacks are planned with. */
  terraform: 'public.ecr.aws/hashicorp/terraform:1.11.4',
  /** Fetches the destroyer script from the state bucket. */
  awsCli: 'public.ecr.aws/aws-cli/aws-cli:2.22.35',
} as const;

/** The terraform-destroy task: where it runs and with what. */
export interface ReaperDestroyerProps {
  /** ECS cluster ARN the task runs in (the environment's). */
  readonly clusterArn: string;
  /** Name of that cluster (scopes DescribeTasks/StopTask). */
  readonly clusterName: string;
  /** VPC of the task's security group. */
  readonly vpcId: string;
  /**
   * Subnets of the task. It needs egress to download the AWS provider and reach AWS APIs: public
   * subnets with `assignPublicIp`, or private subnets behind NAT.
   */
  readonly subnetIds: string[];
  /** Public IP for the task (public placement, no NAT). */
  readonly assignPublicIp: boolean;
  /** Fargate CPU units. @default 512 */
  readonly cpu?: number;
  /** Fargate memory (MiB); Terraform with the AWS provider needs about 700 MiB. @default 1024 */
  readonly memoryMiB?: number;
  /** A task still running after this long is stopped and the sweep takes over. @default 45 */
  readonly timeoutMinutes?: number;
  /** Container images; an undefined entry keeps the default. @default DESTROYER_IMAGES */
  readonly images?: Partial<Record<keyof typeof DESTROYER_IMAGES, string | undefined>>;
}

/** Props of {@link Reaper}. */
export interface ReaperProps extends TerraformMetaArguments {
  /** Name prefix, e.g. `automock`. */
  readonly prefix: string;
  /** Environment name. */
  readonly env: string;
  /** Account id (for ARNs in policies). */
  readonly accountId: string;
  /** Region (for ARNs in policies). */
  readonly region: string;
  /** AWS partition. @default 'aws' */
  readonly partition?: string;
  /** State bucket (core's `stateBackendNames`): state archive and the destroyer script live here. */
  readonly stateBucketName: string;
  /** Terraform lock table. */
  readonly lockTableName: string;
  /** Deployments registry table. */
  readonly registryTableName: string;
  /** Topic for the one-hour warning. @default - no warnings */
  readonly notificationTopicArn?: string;
  /** KMS key that encrypts that topic (publishing needs kms:GenerateDataKey and kms:Decrypt). @default - an unencrypted topic */
  readonly notificationTopicKeyArn?: string;
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

const SCHEDULE_RE =
  /^(rate\((1 minute|[1-9]\d* minutes|1 hour|[1-9]\d* hours|1 day|[1-9]\d* days)\)|cron\(.+\))$/;

function validate(props: ReaperProps, bundleDir: string, scriptPath: string): void {
  const issues = new IssueCollector();
  const schedule = props.schedule ?? 'rate(15 minutes)';
  if (!Token.isUnresolved(schedule) && !SCHEDULE_RE.test(schedule))
    issues.add(
      'schedule',
      schedule,
      "must be an EventBridge expression like 'rate(15 minutes)' or 'cron(0/15 * * * ? *)'",
    );
  const retention = props.logRetentionDays ?? 14;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention))
    issues.add('logRetentionDays', retention, `must be one of ${LOG_RETENTION_DAYS.join(', ')}`);
  const timeout = props.timeoutSeconds ?? 900;
  if (!Number.isInteger(timeout) || timeout < 60 || timeout > 900)
    issues.add('timeoutSeconds', timeout, 'must be a whole number from 60 to 900 (Lambda maximum)');
  const memory = props.memoryMiB ?? 256;
  if (!Number.isInteger(memory) || memory < 128 || memory > 10240)
    issues.add('memoryMiB', memory, 'must be a whole number from 128 to 10240');
  checkIamPolicyArn(issues, 'permissionsBoundary', props.permissionsBoundary);
  if (!existsSync(join(bundleDir, 'index.js')) || !existsSync(join(bundleDir, LAMBDA_ZIP)))
    issues.add(
      'lambdaBundleDir',
      bundleDir,
      `must contain index.js and ${LAMBDA_ZIP} (run 'pnpm --filter @automock/ttl-cleanup build')`,
    );
  const d = props.destroyer;
  if (d) {
    const cpu = d.cpu ?? 512;
    const mem = d.memoryMiB ?? 1024;
    if (!isValidFargateSize(cpu, mem))
      issues.add(
        'destroyer.cpu/memoryMiB',
        `${cpu}/${mem}`,
        'must be a Fargate CPU/memory combination',
      );
    if (!Token.isUnresolved(d.subnetIds) && d.subnetIds.length === 0)
      issues.add('destroyer.subnetIds', d.subnetIds, 'must list at least one subnet with egress');
    const t = d.timeoutMinutes ?? 45;
    if (!Number.isInteger(t) || t < 5 || t > 180)
      issues.add('destroyer.timeoutMinutes', t, 'must be a whole number from 5 to 180');
    if (!existsSync(scriptPath))
      issues.add(
        'destroyerScriptPath',
        scriptPath,
        "must exist (run 'pnpm --filter @automock/ttl-cleanup build')",
      );
  }
  issues.throwIfAny('Reaper');
}

function assumedBy(service: string): string {
  return policyJson([serviceTrustStatement(service)]);
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
  /** Present when `destroyer` was given. */
  readonly destroyerTaskDefinition?: EcsTaskDefinition;
  readonly destroyerTaskRole?: IamRole;
  readonly destroyerSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: ReaperProps) {
    super(scope, id);
    const bundleDir = props.lambdaBundleDir ?? join(PACKAGE_ROOT, 'dist', 'lambda');
    const scriptPath =
      props.destroyerScriptPath ?? join(PACKAGE_ROOT, 'dist', 'destroyer-task', 'index.js');
    validate(props, bundleDir, scriptPath);

    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: props.prefix, env: props.env };
    const p = props.partition ?? 'aws';
    const scope_: PolicyScope = {
      prefix: props.prefix,
      env: props.env,
      accountId: props.accountId,
      region: props.region,
      partition: p,
      stateBucketName: props.stateBucketName,
      lockTableName: props.lockTableName,
      registryTableName: props.registryTableName,
    };
    const retention = props.logRetentionDays ?? 14;
    const functionName = resourceName('lambda', { ...parts, kind: 'reaper' });

    this.logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      ...meta,
      // The name Lambda writes to; creating it first lets us set retention.
      name: `/aws/lambda/${functionName}`,
      retentionInDays: retention,
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
      assumeRolePolicy: assumedBy('lambda.amazonaws.com'),
      permissionsBoundary: props.permissionsBoundary,
    });
    const statements: Statement[] = [
      ...reaperStatements(scope_),
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
    if (props.notificationTopicArn)
      statements.push({
        Sid: 'Warnings',
        Effect: 'Allow',
        Action: ['sns:Publish'],
        Resource: props.notificationTopicArn,
      });
    if (props.notificationTopicArn && props.notificationTopicKeyArn)
      statements.push({
        Sid: 'EncryptWarnings',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: props.notificationTopicKeyArn,
      });

    const environment: Record<string, string> = {
      [REAPER_ENV.env]: props.env,
      [REAPER_ENV.registryTable]: props.registryTableName,
      [REAPER_ENV.stateBucket]: props.stateBucketName,
      [REAPER_ENV.lockTable]: props.lockTableName,
      [REAPER_ENV.dryRun]: String(props.dryRun ?? false),
      NODE_OPTIONS: '--enable-source-maps',
    };
    if (props.notificationTopicArn) environment[REAPER_ENV.topicArn] = props.notificationTopicArn;

    if (props.destroyer) {
      const made = this.addDestroyer(
        props,
        props.destroyer,
        scope_,
        scriptPath,
        retention,
        statements,
        environment,
      );
      this.destroyerTaskDefinition = made.taskDefinition;
      this.destroyerTaskRole = made.taskRole;
      this.destroyerSecurityGroup = made.securityGroup;
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
      path: join(bundleDir, LAMBDA_ZIP),
      type: AssetType.FILE,
    });
    this.function = new LambdaFunction(this, 'Function', {
      ...meta,
      functionName,
      description: `AutoMock TTL reaper for ${props.env}: warns, then tears down expired projects`,
      role: this.role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: Fn.filebase64sha256(asset.path),
      timeout: props.timeoutSeconds ?? 900,
      memorySize: props.memoryMiB ?? 256,
      // One run at a time: runs are idempotent, but overlapping sweeps would only add API calls.
      reservedConcurrentExecutions: 1,
      environment: { variables: environment },
      loggingConfig: { logFormat: 'Text', logGroup: this.logGroup.name },
      dependsOn: [this.logGroup, ...(props.dependsOn ?? [])],
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
      description: `Runs the AutoMock TTL reaper for ${props.env}`,
      scheduleExpression: props.schedule ?? 'rate(15 minutes)',
      state: (props.enabled ?? true) ? 'ENABLED' : 'DISABLED',
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

  private addDestroyer(
    props: ReaperProps,
    d: ReaperDestroyerProps,
    scope_: PolicyScope,
    scriptPath: string,
    retention: number,
    reaperStatementsOut: Statement[],
    environment: Record<string, string>,
  ): { taskDefinition: EcsTaskDefinition; taskRole: IamRole; securityGroup: SecurityGroup } {
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: props.prefix, env: props.env };
    const images: Record<keyof typeof DESTROYER_IMAGES, string> = { ...DESTROYER_IMAGES };
    for (const [k, v] of Object.entries(d.images ?? {}))
      if (v !== undefined) images[k as keyof typeof DESTROYER_IMAGES] = v;
    const family = resourceName('ecsTaskFamily', { ...parts, kind: 'destroyer' });

    const script = new TerraformAsset(this, 'DestroyerScript', {
      path: scriptPath,
      type: AssetType.FILE,
    });
    // Content-addressed, so a new script never races a task still reading the old one.
    const scriptKey = `tools/${props.env}/destroyer-${script.assetHash.slice(0, 16).toLowerCase()}.js`;
    new S3Object(this, 'DestroyerScriptObject', {
      ...meta,
      bucket: props.stateBucketName,
      key: scriptKey,
      source: script.path,
      sourceHash: Fn.filemd5(script.path),
      contentType: 'application/javascript',
      serverSideEncryption: 'AES256',
    });

    const logGroup = new CloudwatchLogGroup(this, 'DestroyerLogGroup', {
      ...meta,
      name: resourceName('logGroup', { ...parts, kind: 'destroyer' }),
      retentionInDays: retention,
    });
    const executionRole = new IamRole(this, 'DestroyerExecutionRole', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: 'destroyer-execution' }),
      assumeRolePolicy: assumedBy('ecs-tasks.amazonaws.com'),
      permissionsBoundary: props.permissionsBoundary,
    });
    new IamRolePolicy(this, 'DestroyerExecutionPolicy', {
      ...meta,
      name: 'logs',
      role: executionRole.id,
      policy: policyJson([
        {
          Sid: 'TaskLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `${logGroup.arn}:*`,
        },
      ]),
    });
    const taskRole = new IamRole(this, 'DestroyerTaskRole', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: 'destroyer-task' }),
      assumeRolePolicy: assumedBy('ecs-tasks.amazonaws.com'),
      permissionsBoundary: props.permissionsBoundary,
    });
    new IamRolePolicy(this, 'DestroyerTaskPolicy', {
      ...meta,
      name: 'destroy-projects',
      role: taskRole.id,
      policy: policyJson(destroyerStatements(scope_, scriptKey)),
    });
    const securityGroup = new SecurityGroup(this, 'DestroyerSecurityGroup', {
      ...meta,
      name: resourceName('securityGroup', { ...parts, kind: 'destroyer' }),
      description:
        'AutoMock destroyer task: no inbound; HTTPS out to AWS APIs and the Terraform registry',
      vpcId: d.vpcId,
      egress: [
        {
          description: 'HTTPS to AWS APIs and registry.terraform.io',
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ['0.0.0.0/0'],
        },
      ],
    });

    const log = (stream: string) => ({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': logGroup.name,
        'awslogs-region': props.region,
        'awslogs-stream-prefix': stream,
      },
    });
    const work = { sourceVolume: 'work', containerPath: '/work', readOnly: false };
    const tmp = { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false };
    const containers = [
      {
        name: 'fetch-script',
        image: images.awsCli,
        essential: false,
        entryPoint: ['/bin/sh', '-c'],
        // Fargate task volumes are owned by root; the others run as non-root users.
        command: [
          'set -eu; aws s3 cp "s3://$SCRIPT_BUCKET/$SCRIPT_OBJECT" /work/destroyer.js; chmod 0644 /work/destroyer.js; chmod 1777 /work /tmp',
        ],
        user: '0',
        readonlyRootFilesystem: true,
        dockerLabels: {
          [HARDENING_EXCEPTION_LABELS.root]:
            'Fargate task volumes are owned by root; this init container makes /work and /tmp writable for the non-root containers, then exits',
        },
        environment: [
          { name: 'AWS_REGION', value: props.region },
          { name: 'HOME', value: '/tmp' },
          { name: 'SCRIPT_BUCKET', value: props.stateBucketName },
          { name: 'SCRIPT_OBJECT', value: scriptKey },
        ],
        mountPoints: [work, tmp],
        logConfiguration: log('fetch'),
      },
      {
        name: 'terraform-binary',
        image: images.terraform,
        essential: false,
        entryPoint: ['/bin/sh', '-c'],
        command: ['mkdir -p /work/bin && cp /bin/terraform /work/bin/terraform'],
        // nobody: it only reads its own binary and writes to /work, made writable first.
        user: '65534:65534',
        readonlyRootFilesystem: true,
        dependsOn: [{ containerName: 'fetch-script', condition: 'SUCCESS' }],
        mountPoints: [work],
        logConfiguration: log('terraform'),
      },
      {
        name: 'destroyer',
        image: images.node,
        essential: true,
        command: ['node', '/work/destroyer.js'],
        user: '1000:1000',
        readonlyRootFilesystem: true,
        dependsOn: [
          { containerName: 'fetch-script', condition: 'SUCCESS' },
          { containerName: 'terraform-binary', condition: 'SUCCESS' },
        ],
        environment: [
          { name: 'AUTOMOCK_ENV', value: props.env },
          { name: 'STATE_BUCKET', value: props.stateBucketName },
          { name: 'LOCK_TABLE', value: props.lockTableName },
          { name: 'REGISTRY_TABLE', value: props.registryTableName },
          { name: 'TERRAFORM_BINARY', value: '/work/bin/terraform' },
          { name: 'WORK_DIR', value: '/work/stack' },
          { name: 'AWS_REGION', value: props.region },
          // Terraform and its provider download write to TMPDIR and HOME: both on the volume.
          { name: 'HOME', value: '/tmp' },
          { name: 'TMPDIR', value: '/tmp' },
          { name: 'CHECKPOINT_DISABLE', value: '1' },
        ],
        mountPoints: [work, tmp],
        logConfiguration: log('destroy'),
      },
    ];
    const taskDefinition = new EcsTaskDefinition(this, 'DestroyerTaskDefinition', {
      ...meta,
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(d.cpu ?? 512),
      memory: String(d.memoryMiB ?? 1024),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      volume: [{ name: 'work' }, { name: 'tmp' }],
      containerDefinitions: JSON.stringify(containers),
    });

    const p = scope_.partition ?? 'aws';
    const clusterName = d.clusterName;
    reaperStatementsOut.push(
      {
        Sid: 'RunDestroyer',
        Effect: 'Allow',
        Action: ['ecs:RunTask'],
        Resource: `arn:${p}:ecs:${props.region}:${props.accountId}:task-definition/${family}:*`,
        Condition: { ArnEquals: { 'ecs:cluster': d.clusterArn } },
      },
      {
        Sid: 'TagDestroyerTask',
        Effect: 'Allow',
        Action: ['ecs:TagResource'],
        Resource: `arn:${p}:ecs:${props.region}:${props.accountId}:task/*`,
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
      {
        Sid: 'FollowDestroyer',
        Effect: 'Allow',
        Action: ['ecs:DescribeTasks'],
        Resource: `arn:${p}:ecs:${props.region}:${props.accountId}:task/${clusterName}/*`,
      },
      {
        Sid: 'StopDestroyer',
        Effect: 'Allow',
        Action: ['ecs:StopTask'],
        Resource: `arn:${p}:ecs:${props.region}:${props.accountId}:task/${clusterName}/*`,
        Condition: { StringEquals: { 'aws:ResourceTag/automock:env': props.env } },
      },
      {
        Sid: 'PassDestroyerRoles',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [executionRole.arn, taskRole.arn],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    );
    Object.assign(environment, {
      [REAPER_ENV.cluster]: d.clusterArn,
      [REAPER_ENV.taskDefinition]: family,
      [REAPER_ENV.containerName]: 'destroyer',
      [REAPER_ENV.subnets]: Fn.join(',', d.subnetIds),
      [REAPER_ENV.securityGroups]: securityGroup.id,
      [REAPER_ENV.assignPublicIp]: String(d.assignPublicIp),
      [REAPER_ENV.timeoutMinutes]: String(d.timeoutMinutes ?? 45),
    });
    return { taskDefinition, taskRole, securityGroup };
  }
}
