import {
  HARDENING_EXCEPTION_LABELS,
  PolicyStatement as Statement,
  policyJson,
  resourceName,
  serviceTrustStatement,
} from '@automock/core';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { AssetType, Fn, TerraformAsset, type TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { REAPER_ENV } from './reaperEnv';
import { type PolicyScope, destroyerStatements } from './reaperPolicies';

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

/** {@link ReaperDestroyerProps} with every default filled in. */
export interface ResolvedReaperDestroyerProps extends ReaperDestroyerProps {
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly timeoutMinutes: number;
  readonly images: Readonly<Record<keyof typeof DESTROYER_IMAGES, string>>;
}

/** Props of {@link ReaperDestroyerTask}: the reaper's resolved settings it shares. */
export interface ReaperDestroyerTaskProps extends TerraformMetaArguments {
  /** Names, ARNs and the state backend the task's policy is scoped to. */
  readonly policyScope: PolicyScope & { readonly partition: string };
  /** Where and with what the task runs. */
  readonly destroyer: ResolvedReaperDestroyerProps;
  /** The bundled destroyer script (an asset, stored in the state bucket). */
  readonly scriptPath: string;
  /** Retention of the task's log group (a CloudWatch-allowed value). */
  readonly logRetentionDays: number;
  /** Permissions boundary of both roles. @default - none */
  readonly permissionsBoundary?: string;
}

/**
 * The one-off Fargate task that runs `terraform destroy` of an expired project's stored stack:
 * the script (an asset in the state bucket), its log group, execution and task roles, security
 * group and task definition; and what the reaper needs to start and follow it, which it returns
 * rather than writing into the reaper: {@link reaperStatements} for the reaper's role and
 * {@link reaperEnvironment} for its Lambda.
 *
 * Its resources are created in the reaper's scope, under the ids they had before this class was
 * split out of the reaper: a construct id is a resource's identity in state, and a new path would
 * make Terraform replace every one of them.
 */
export class ReaperDestroyerTask extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  readonly taskRole: IamRole;
  readonly executionRole: IamRole;
  readonly securityGroup: SecurityGroup;
  readonly logGroup: CloudwatchLogGroup;
  /** Key of the script in the state bucket (content-addressed). */
  readonly scriptKey: string;
  /** What the reaper's role needs: run this task definition, follow and stop it, pass its roles. */
  readonly reaperStatements: readonly Statement[];
  /** The Lambda's variables that name this task (REAPER_ENV). */
  readonly reaperEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ReaperDestroyerTaskProps) {
    super(scope, id);
    const reaper = scope;
    const s = props.policyScope;
    const d = props.destroyer;
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: s.prefix, env: s.env };
    const family = resourceName('ecsTaskFamily', { ...parts, kind: 'destroyer' });

    const script = new TerraformAsset(reaper, 'DestroyerScript', {
      path: props.scriptPath,
      type: AssetType.FILE,
    });
    // Content-addressed, so a new script never races a task still reading the old one.
    this.scriptKey = `tools/${s.env}/destroyer-${script.assetHash.slice(0, 16).toLowerCase()}.js`;
    new S3Object(reaper, 'DestroyerScriptObject', {
      ...meta,
      bucket: s.stateBucketName,
      key: this.scriptKey,
      source: script.path,
      sourceHash: Fn.filemd5(script.path),
      contentType: 'application/javascript',
      serverSideEncryption: 'AES256',
    });

    this.logGroup = new CloudwatchLogGroup(reaper, 'DestroyerLogGroup', {
      ...meta,
      name: resourceName('logGroup', { ...parts, kind: 'destroyer' }),
      retentionInDays: props.logRetentionDays,
    });
    this.executionRole = new IamRole(reaper, 'DestroyerExecutionRole', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: 'destroyer-execution' }),
      assumeRolePolicy: policyJson([serviceTrustStatement('ecs-tasks.amazonaws.com')]),
      permissionsBoundary: props.permissionsBoundary,
    });
    new IamRolePolicy(reaper, 'DestroyerExecutionPolicy', {
      ...meta,
      name: 'logs',
      role: this.executionRole.id,
      policy: policyJson([
        {
          Sid: 'TaskLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: `${this.logGroup.arn}:*`,
        },
      ]),
    });
    this.taskRole = new IamRole(reaper, 'DestroyerTaskRole', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: 'destroyer-task' }),
      assumeRolePolicy: policyJson([serviceTrustStatement('ecs-tasks.amazonaws.com')]),
      permissionsBoundary: props.permissionsBoundary,
    });
    new IamRolePolicy(reaper, 'DestroyerTaskPolicy', {
      ...meta,
      name: 'destroy-projects',
      role: this.taskRole.id,
      policy: policyJson(destroyerStatements(s, this.scriptKey)),
    });
    this.securityGroup = new SecurityGroup(reaper, 'DestroyerSecurityGroup', {
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

    this.taskDefinition = new EcsTaskDefinition(reaper, 'DestroyerTaskDefinition', {
      ...meta,
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(d.cpu),
      memory: String(d.memoryMiB),
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      volume: [{ name: 'work' }, { name: 'tmp' }],
      containerDefinitions: JSON.stringify(this.containers(props)),
    });

    const arn = `arn:${s.partition}:ecs:${s.region}:${s.accountId}`;
    this.reaperStatements = [
      {
        Sid: 'RunDestroyer',
        Effect: 'Allow',
        Action: ['ecs:RunTask'],
        Resource: `${arn}:task-definition/${family}:*`,
        Condition: { ArnEquals: { 'ecs:cluster': d.clusterArn } },
      },
      {
        Sid: 'TagDestroyerTask',
        Effect: 'Allow',
        Action: ['ecs:TagResource'],
        Resource: `${arn}:task/*`,
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
      {
        Sid: 'FollowDestroyer',
        Effect: 'Allow',
        Action: ['ecs:DescribeTasks'],
        Resource: `${arn}:task/${d.clusterName}/*`,
      },
      {
        Sid: 'StopDestroyer',
        Effect: 'Allow',
        Action: ['ecs:StopTask'],
        Resource: `${arn}:task/${d.clusterName}/*`,
        Condition: { StringEquals: { 'aws:ResourceTag/automock:env': s.env } },
      },
      {
        Sid: 'PassDestroyerRoles',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [this.executionRole.arn, this.taskRole.arn],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ];
    this.reaperEnvironment = {
      [REAPER_ENV.cluster]: d.clusterArn,
      [REAPER_ENV.taskDefinition]: family,
      [REAPER_ENV.containerName]: 'destroyer',
      [REAPER_ENV.subnets]: Fn.join(',', d.subnetIds),
      [REAPER_ENV.securityGroups]: this.securityGroup.id,
      [REAPER_ENV.assignPublicIp]: String(d.assignPublicIp),
      [REAPER_ENV.timeoutMinutes]: String(d.timeoutMinutes),
    };
  }

  /**
   * Three containers sharing `/work` and `/tmp`, each on a read-only root: the script fetcher
   * (root, to make the volumes writable), the terraform binary's copier, and node running the
   * script.
   */
  private containers(props: ReaperDestroyerTaskProps) {
    const s = props.policyScope;
    const images = props.destroyer.images;
    const log = (stream: string) => ({
      logDriver: 'awslogs',
      options: {
        'awslogs-group': this.logGroup.name,
        'awslogs-region': s.region,
        'awslogs-stream-prefix': stream,
      },
    });
    const work = { sourceVolume: 'work', containerPath: '/work', readOnly: false };
    const tmp = { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false };
    return [
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
          { name: 'AWS_REGION', value: s.region },
          { name: 'HOME', value: '/tmp' },
          { name: 'SCRIPT_BUCKET', value: s.stateBucketName },
          { name: 'SCRIPT_OBJECT', value: this.scriptKey },
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
          { name: 'AUTOMOCK_ENV', value: s.env },
          { name: 'STATE_BUCKET', value: s.stateBucketName },
          { name: 'LOCK_TABLE', value: s.lockTableName },
          { name: 'REGISTRY_TABLE', value: s.registryTableName },
          { name: 'TERRAFORM_BINARY', value: '/work/bin/terraform' },
          { name: 'WORK_DIR', value: '/work/stack' },
          { name: 'AWS_REGION', value: s.region },
          // Terraform and its provider download write to TMPDIR and HOME: both on the volume.
          { name: 'HOME', value: '/tmp' },
          { name: 'TMPDIR', value: '/tmp' },
          { name: 'CHECKPOINT_DISABLE', value: '1' },
        ],
        mountPoints: [work, tmp],
        logConfiguration: log('destroy'),
      },
    ];
  }
}
