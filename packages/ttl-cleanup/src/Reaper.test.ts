import type {} from 'cdktf/lib/testing/adapters/jest';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { TerraformStack, Testing } from 'cdktf';
import { REAPER_DEFAULTS, Reaper, type ReaperProps, resolveReaperProps } from './Reaper';
import { DESTROYER_IMAGES } from './ReaperDestroyer';

const BASE: ReaperProps = {
  prefix: 'automock',
  env: 'dev',
  accountId: '123456789012',
  region: 'us-east-1',
  stateBucketName: 'automock-tfstate-123456789012-us-east-1',
  lockTableName: 'automock-terraform-locks',
  registryTableName: 'automock-deployments',
  notificationTopicArn: 'arn:aws:sns:us-east-1:123456789012:automock-dev-notifications',
};

const DESTROYER = {
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/automock-dev',
  clusterName: 'automock-dev',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b'],
  assignPublicIp: true,
};

function synth(props: Partial<ReaperProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const reaper = new Reaper(stack, 'reaper', { ...BASE, ...props });
  const json = JSON.parse(Testing.synth(stack));
  return { reaper, json, raw: Testing.synth(stack) };
}

interface Stmt {
  Sid: string;
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function policies(json: any): Record<string, Stmt[]> {
  const out: Record<string, Stmt[]> = {};
  for (const p of Object.values(json.resource.aws_iam_role_policy) as {
    name: string;
    policy: string;
  }[])
    out[p.name] = JSON.parse(p.policy).Statement;
  return out;
}

describe('Reaper', () => {
  it('runs a Node.js 22 bundled Lambda, one at a time, with its settings from the environment', () => {
    const { raw, json } = synth();
    expect(raw).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'automock-dev-reaper',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      timeout: 900,
      reserved_concurrent_executions: 1,
      environment: {
        variables: expect.objectContaining({
          AUTOMOCK_ENV: 'dev',
          REGISTRY_TABLE: 'automock-deployments',
          STATE_BUCKET: 'automock-tfstate-123456789012-us-east-1',
          LOCK_TABLE: 'automock-terraform-locks',
          TOPIC_ARN: BASE.notificationTopicArn,
          DRY_RUN: 'false',
        }),
      },
    });
    const fn = Object.values(json.resource.aws_lambda_function)[0] as { filename: string };
    expect(fn.filename).toMatch(/assets\/.*Bundle.*\.zip$/);
  });

  it('schedules every 15 minutes by default, or as configured', () => {
    expect(synth().raw).toHaveResourceWithProperties(CloudwatchEventRule, {
      schedule_expression: 'rate(15 minutes)',
      state: 'ENABLED',
    });
    expect(synth({ schedule: 'rate(1 hour)', enabled: false }).raw).toHaveResourceWithProperties(
      CloudwatchEventRule,
      {
        schedule_expression: 'rate(1 hour)',
        state: 'DISABLED',
      },
    );
  });

  it('keeps its logs for the configured retention and sends failed runs to an encrypted queue', () => {
    const { raw, json } = synth({ logRetentionDays: 30 });
    expect(raw).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/automock-dev-reaper',
      retention_in_days: 30,
    });
    expect(raw).toHaveResourceWithProperties(SqsQueue, { sqs_managed_sse_enabled: true });
    const cfg = Object.values(json.resource.aws_lambda_function_event_invoke_config)[0] as any;
    expect(cfg.maximum_retry_attempts).toBe(0);
    expect(cfg.destination_config.on_failure.destination).toMatch(/aws_sqs_queue\..*\.arn/);
  });

  it('grants least privilege: no wildcard actions, deletes tag-conditioned, registry limited to this env', () => {
    const { json } = synth();
    const stmts = policies(json).reaper!;
    for (const s of stmts) for (const a of s.Action) expect(a).not.toMatch(/\*/);
    // Which calls these statements allow is reaperPermissions.test.ts's job (iam-simulate).
    const tagged = stmts.find((s) => s.Sid === 'SweepTaggedDeletes')!;
    expect(tagged.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/automock:env': 'dev' },
      StringNotEquals: { 'aws:ResourceTag/automock:project': '_environment' },
      Null: { 'aws:ResourceTag/automock:project': 'false' },
    });
    const registry = stmts.find((s) => s.Sid === 'RegistryThisEnvironment')!;
    expect(registry.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['dev#*', 'dev'] },
    });
    // Nothing may delete the state bucket, lock table or registry themselves.
    const bucketWide = stmts.filter((s) =>
      [s.Resource].flat().includes('arn:aws:s3:::automock-tfstate-123456789012-us-east-1'),
    );
    expect(bucketWide.map((s) => s.Action)).toEqual([['s3:ListBucket']]);
    const s3Deletes = stmts.find((s) => s.Sid === 'SweepProjectBuckets')!;
    expect(s3Deletes.Resource).toEqual([
      'arn:aws:s3:::automock-dev-*',
      'arn:aws:s3:::automock-dev-*/*',
    ]);
    // Workload tables only (issue 13 D1): named for the environment, never the lock or registry.
    const tableDeletes = stmts.filter((s) => s.Action.includes('dynamodb:DeleteTable'));
    expect(tableDeletes.map((s) => [s.Resource, s.Condition])).toEqual([
      ['arn:aws:dynamodb:us-east-1:123456789012:table/automock-dev-*', tagged.Condition],
    ]);
    expect(stmts.find((s) => s.Sid === 'Warnings')?.Resource).toBe(BASE.notificationTopicArn);
  });

  it('without a destroyer, has no task and no RunTask right', () => {
    const { json, reaper } = synth();
    expect(json.resource.aws_ecs_task_definition).toBeUndefined();
    expect(reaper.destroyerTaskDefinition).toBeUndefined();
    expect(policies(json).reaper!.flatMap((s) => s.Action)).not.toContain('ecs:RunTask');
  });

  describe('with the destroyer task', () => {
    it('defines the task: script fetched, terraform copied in, node runs the destroyer', () => {
      const { json, reaper } = synth({ destroyer: DESTROYER });
      expect(reaper.destroyerTaskDefinition).toBeDefined();
      const td = Object.values(json.resource.aws_ecs_task_definition)[0] as any;
      expect(td).toMatchObject({
        family: 'automock-dev-destroyer',
        cpu: '512',
        memory: '1024',
        network_mode: 'awsvpc',
      });
      const containers = JSON.parse(td.container_definitions);
      expect(containers.map((c: any) => [c.name, c.essential])).toEqual([
        ['fetch-script', false],
        ['terraform-binary', false],
        ['destroyer', true],
      ]);
      expect(containers[2].dependsOn).toEqual([
        { containerName: 'fetch-script', condition: 'SUCCESS' },
        { containerName: 'terraform-binary', condition: 'SUCCESS' },
      ]);
      const fetchEnv = Object.fromEntries(
        containers[0].environment.map((e: any) => [e.name, e.value]),
      );
      expect(fetchEnv.SCRIPT_BUCKET).toBe('automock-tfstate-123456789012-us-east-1');
      expect(fetchEnv.SCRIPT_OBJECT).toMatch(/^tools\/dev\/destroyer-[0-9a-f]{16}\.js$/);
      expect(containers[0].command[0]).toMatch(
        /aws s3 cp "s3:\/\/\$SCRIPT_BUCKET\/\$SCRIPT_OBJECT" \/work\/destroyer\.js/,
      );
      const obj = Object.values(json.resource.aws_s3_object)[0] as any;
      expect([obj.bucket, obj.key]).toEqual([fetchEnv.SCRIPT_BUCKET, fetchEnv.SCRIPT_OBJECT]);
      const env = (Object.values(json.resource.aws_lambda_function)[0] as any).environment
        .variables;
      expect(env).toMatchObject({
        DESTROYER_CLUSTER: DESTROYER.clusterArn,
        DESTROYER_TASK_DEFINITION: 'automock-dev-destroyer',
        DESTROYER_PUBLIC_IP: 'true',
        DESTROYER_CONTAINER: 'destroyer',
      });
    });

    it('runs terraform and node as non-root users on read-only roots; only the fetcher is root, and says why', () => {
      const { json } = synth({ destroyer: DESTROYER });
      const td = Object.values(json.resource.aws_ecs_task_definition)[0] as any;
      const containers = JSON.parse(td.container_definitions);
      expect(containers.map((c: any) => [c.name, c.user, c.readonlyRootFilesystem])).toEqual([
        ['fetch-script', '0', true],
        ['terraform-binary', '65534:65534', true],
        ['destroyer', '1000:1000', true],
      ]);
      expect(containers[0].dockerLabels['automock.runs-as-root']).toMatch(/owned by root/);
      expect(containers[0].command[0]).toMatch(/chmod 1777 \/work \/tmp/);
      expect(containers[1].dependsOn).toEqual([
        { containerName: 'fetch-script', condition: 'SUCCESS' },
      ]);
      expect(td.volume).toEqual([{ name: 'work' }, { name: 'tmp' }]);
      const env = Object.fromEntries(containers[2].environment.map((e: any) => [e.name, e.value]));
      expect(env).toMatchObject({ HOME: '/tmp', TMPDIR: '/tmp', CHECKPOINT_DISABLE: '1' });
    });

    it('takes pinned images and keeps the default for one left undefined', () => {
      const pinned = `public.ecr.aws/docker/library/node:22-alpine@sha256:${'0a'.repeat(32)}`;
      const { json } = synth({
        destroyer: { ...DESTROYER, images: { node: pinned, terraform: undefined } },
      });
      const td = Object.values(json.resource.aws_ecs_task_definition)[0] as any;
      const images = JSON.parse(td.container_definitions).map((c: any) => c.image);
      expect(images).toEqual([DESTROYER_IMAGES.awsCli, DESTROYER_IMAGES.terraform, pinned]);
    });

    it('may encrypt warnings with the topic key', () => {
      const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const { json } = synth({ notificationTopicKeyArn: keyArn });
      const policy = JSON.parse(
        (Object.values(json.resource.aws_iam_role_policy)[0] as any).policy,
      );
      expect(policy.Statement).toContainEqual({
        Sid: 'EncryptWarnings',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: keyArn,
      });
    });

    it('gives the task egress on 443 only and no inbound rule', () => {
      const { json } = synth({ destroyer: DESTROYER });
      const sg = Object.values(json.resource.aws_security_group)[0] as any;
      expect(sg.ingress ?? []).toEqual([]);
      expect(sg.egress.map((e: any) => [e.protocol, e.from_port, e.to_port])).toEqual([
        ['tcp', 443, 443],
      ]);
    });

    it('lets the reaper run only this task definition in this cluster and pass only its roles to ECS', () => {
      const stmts = policies(synth({ destroyer: DESTROYER }).json).reaper!;
      expect(stmts.find((s) => s.Sid === 'RunDestroyer')).toMatchObject({
        Resource: 'arn:aws:ecs:us-east-1:123456789012:task-definition/automock-dev-destroyer:*',
        Condition: { ArnEquals: { 'ecs:cluster': DESTROYER.clusterArn } },
      });
      expect(stmts.find((s) => s.Sid === 'PassDestroyerRoles')?.Condition).toEqual({
        StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      });
      const task = policies(synth({ destroyer: DESTROYER }).json)['destroy-projects']!;
      for (const s of task) for (const a of s.Action) expect(a).not.toMatch(/\*/);
      expect(task.find((s) => s.Sid === 'ProjectRoles')?.Condition).toHaveProperty('StringEquals');
      // terraform destroy reads the environment's outputs (remote state) and writes the project's state.
      expect(task.find((s) => s.Sid === 'EnvironmentOutputs')?.Resource).toBe(
        'arn:aws:s3:::automock-tfstate-123456789012-us-east-1/envs/dev/terraform.tfstate',
      );
      expect(task.find((s) => s.Sid === 'ProjectState')).toMatchObject({
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: [
          'arn:aws:s3:::automock-tfstate-123456789012-us-east-1/projects/dev/*',
          'arn:aws:s3:::automock-tfstate-123456789012-us-east-1/workloads/dev/*',
        ],
      });
    });
  });

  it.each([
    [{ schedule: 'every 15 minutes' }, /schedule: got "every 15 minutes"/],
    [{ timeoutSeconds: 1000 }, /timeoutSeconds: got 1000, must be a whole number from 60 to 900/],
    [{ logRetentionDays: 8 }, /logRetentionDays: got 8/],
    [{ memoryMiB: 64 }, /memoryMiB: got 64/],
    [
      { destroyer: { ...DESTROYER, cpu: 256, memoryMiB: 4096 } },
      /destroyer.cpu\/memoryMiB: got "256\/4096"/,
    ],
    [
      { destroyer: { ...DESTROYER, subnetIds: [] } },
      /destroyer.subnetIds: got \[\], must list at least one subnet/,
    ],
    [
      { lambdaBundleDir: '/nonexistent' },
      /lambdaBundleDir: got "\/nonexistent", must contain index.js and reaper.zip/,
    ],
  ])('rejects %j', (bad, message) => {
    expect(() => synth(bad as Partial<ReaperProps>)).toThrow(message);
  });
});

describe('resolveReaperProps', () => {
  it("fills every default from REAPER_DEFAULTS, the destroyer's included, and keeps what is given", () => {
    const p = resolveReaperProps({
      ...BASE,
      destroyer: { ...DESTROYER, cpu: 1024, memoryMiB: 2048 },
    });
    expect(p).toMatchObject({
      partition: REAPER_DEFAULTS.partition,
      schedule: REAPER_DEFAULTS.schedule,
      enabled: true,
      logRetentionDays: REAPER_DEFAULTS.logRetentionDays,
      timeoutSeconds: REAPER_DEFAULTS.timeoutSeconds,
      memoryMiB: REAPER_DEFAULTS.memoryMiB,
      dryRun: false,
      destroyer: {
        cpu: 1024,
        memoryMiB: 2048,
        timeoutMinutes: REAPER_DEFAULTS.destroyer.timeoutMinutes,
        images: DESTROYER_IMAGES,
      },
    });
    expect(resolveReaperProps({ ...BASE, enabled: false, dryRun: true })).toMatchObject({
      enabled: false,
      dryRun: true,
    });
  });

  it('rejects bad props before the reaper joins the tree', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    expect(() => new Reaper(stack, 'reaper', { ...BASE, memoryMiB: 64 })).toThrow(/memoryMiB/);
    expect(stack.node.tryFindChild('reaper')).toBeUndefined();
  });
});

describe('ReaperDestroyerTask', () => {
  it("returns what the reaper needs instead of writing into it, and keeps its resources' construct ids", () => {
    const { json, reaper } = synth({ destroyer: DESTROYER });
    const task = reaper.destroyer!;
    expect(task.reaperStatements.map((s) => s.Sid)).toEqual([
      'RunDestroyer',
      'TagDestroyerTask',
      'FollowDestroyer',
      'StopDestroyer',
      'PassDestroyerRoles',
    ]);
    expect(Object.keys(task.reaperEnvironment)).toEqual([
      'DESTROYER_CLUSTER',
      'DESTROYER_TASK_DEFINITION',
      'DESTROYER_CONTAINER',
      'DESTROYER_SUBNETS',
      'DESTROYER_SECURITY_GROUPS',
      'DESTROYER_PUBLIC_IP',
      'DESTROYER_TIMEOUT_MINUTES',
    ]);
    // A construct id is a resource's identity in state: the split must not move any of them.
    const ids = (type: string) => Object.keys(json.resource[type]);
    expect(ids('aws_ecs_task_definition')).toEqual([
      expect.stringMatching(/^reaper_DestroyerTaskDefinition_[0-9A-F]{8}$/),
    ]);
    expect(ids('aws_iam_role').sort()).toEqual([
      expect.stringMatching(/^reaper_DestroyerExecutionRole_/),
      expect.stringMatching(/^reaper_DestroyerTaskRole_/),
      expect.stringMatching(/^reaper_Role_/),
    ]);
    expect(ids('aws_security_group')).toEqual([
      expect.stringMatching(/^reaper_DestroyerSecurityGroup_/),
    ]);
    expect(ids('aws_s3_object')).toEqual([expect.stringMatching(/^reaper_DestroyerScriptObject_/)]);
    expect(Object.values<any>(json.resource.aws_s3_object)[0].source).toMatch(
      /^assets\/reaper_DestroyerScript_[0-9A-F]{8}\//,
    );
  });
});

describe('Reaper permissions boundary', () => {
  const boundary = 'arn:aws:iam::111111111111:policy/automock-dev-boundary';
  it('sets it on the Lambda role and both destroyer roles', () => {
    const { json } = synth({ destroyer: DESTROYER, permissionsBoundary: boundary });
    const roles = Object.values<any>(json.resource.aws_iam_role);
    expect(roles.map((r) => r.name).sort()).toEqual([
      expect.stringContaining('destroyer-execution'),
      expect.stringContaining('destroyer-task'),
      expect.stringContaining('reaper'),
    ]);
    for (const r of roles) expect(r.permissions_boundary).toBe(boundary);
  });
  it('rejects a malformed boundary ARN', () => {
    expect(() => synth({ permissionsBoundary: 'arn:aws:iam::1:policy/x' })).toThrow(
      /permissionsBoundary: got "arn:aws:iam::1:policy\/x", must be an IAM policy ARN/,
    );
  });
});
