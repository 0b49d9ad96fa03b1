import { runCommand } from '@oclif/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PKG_ROOT } from '../testing/harness';
import type { CostReport } from '../services/cost-report';

/**
 * `automock cost` against a hand calculation for the default dev project: the real app of this
 * repository (stacks/src: the `dev` environment, us-east-1, no NAT, public tasks, a shared ALB in
 * two AZs; its `petstore` project, size small = 256 CPU units / 512 MiB, 1 to 4 tasks). Every
 * term is written out from the us-east-1 table (aws.amazon.com pricing pages, as of the table's
 * date) and the project's sizes, so a change to the model, the table or the app shows up here.
 */
describe('automock cost against a hand calculation', () => {
  const saved = process.env.AUTOMOCK_APP_MODULE;
  const cwd = process.cwd();
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'automock-cost-'));
    writeFileSync(
      join(root, 'cdktf.json'),
      JSON.stringify({ language: 'typescript', app: 'true' }),
    );
    process.chdir(root);
    delete process.env.AUTOMOCK_APP_MODULE;
  });
  afterAll(() => {
    process.chdir(cwd);
    if (saved !== undefined) process.env.AUTOMOCK_APP_MODULE = saved;
    rmSync(root, { recursive: true, force: true });
  });

  // us-east-1 on-demand list prices (USD)
  const FARGATE_VCPU_HOUR = 0.04048; // aws.amazon.com/fargate/pricing, Linux/x86
  const FARGATE_GB_HOUR = 0.004445;
  const ALB_HOUR = 0.0225; // aws.amazon.com/elasticloadbalancing/pricing
  const ALB_LCU_HOUR = 0.008;
  const PUBLIC_IPV4_HOUR = 0.005; // aws.amazon.com/vpc/pricing
  const DATA_OUT_GB = 0.09; // aws.amazon.com/ec2/pricing/on-demand, first 10 TB
  const LOGS_INGEST_GB = 0.5; // aws.amazon.com/cloudwatch/pricing
  const SECRET_MONTH = 0.4; // aws.amazon.com/secrets-manager/pricing
  const KMS_KEY_MONTH = 1; // aws.amazon.com/kms/pricing
  const S3_GB_MONTH = 0.023; // aws.amazon.com/s3/pricing
  const HOURS_PER_MONTH = 730;

  /** The dev project per hour with `tasks` petstore tasks and the stated traffic assumptions. */
  function byHand(tasks: number, lcu: number, gbOut: number): number {
    const vcpu = 256 / 1024; // size small
    const gb = 512 / 1024;
    const fargate = tasks * vcpu * FARGATE_VCPU_HOUR + tasks * gb * FARGATE_GB_HOUR;
    const taskAddresses = tasks * PUBLIC_IPV4_HOUR; // dev: taskPlacement public
    const alb = ALB_HOUR + 2 * PUBLIC_IPV4_HOUR; // shared ALB, one address in each of 2 AZs
    const lcus = lcu * ALB_LCU_HOUR;
    const dataOut = gbOut * DATA_OUT_GB;
    const nat = 0; // dev: nat 'none'
    // Log groups: the mock and its config loader (project), the reaper and its destroyer (dev),
    // 10 MB/h each.
    const logs = 4 * 0.01 * LOGS_INGEST_GB;
    const secret = SECRET_MONTH / HOURS_PER_MONTH; // the control-plane token
    const key = KMS_KEY_MONTH / HOURS_PER_MONTH; // dev's notification key
    const bucket = (1 * S3_GB_MONTH) / HOURS_PER_MONTH; // the config bucket, 1 GB
    return fargate + taskAddresses + alb + lcus + dataOut + nat + logs + secret + key + bucket;
  }

  it('agrees within 5% at the autoscaling minimum and maximum', async () => {
    const { stdout, error } = await runCommand(['cost', '--env', 'dev', '--json'], {
      root: PKG_ROOT,
    });
    expect(error).toBeUndefined();
    const r = JSON.parse(stdout) as CostReport;
    const dev = r.stacks.filter((s) => s.stack === 'dev' || s.stack === 'dev-petstore');
    expect(dev.map((s) => [s.stack, s.region])).toEqual([
      ['dev', 'us-east-1'],
      ['dev-petstore', 'us-east-1'],
    ]);
    const tool = (at: 'minimum' | 'maximum') => dev.reduce((a, s) => a + s[at].hourly, 0);

    // Minimum: 1 task, 1 LCU and 0.05 GB/h out (light test traffic).
    const min = byHand(1, 1, 0.05);
    expect(min).toBeCloseTo(0.0843, 4);
    expect(Math.abs(tool('minimum') - min) / min).toBeLessThan(0.05);

    // Maximum: 4 tasks, 1 LCU and 0.5 GB/h out per task.
    const max = byHand(4, 4, 4 * 0.5);
    expect(max).toBeCloseTo(0.3358, 4);
    expect(Math.abs(tool('maximum') - max) / max).toBeLessThan(0.05);
    expect(dev.reduce((a, s) => a + s.maximum.tasks, 0)).toBe(4);
  });

  // Seed 004's myapp (stacks/workloads/myapp.yaml) in dev: the backend (256/512, 1 to 4 tasks, on
  // the shared ALB; its X-Ray sidecar is carved out of the task), the worker (512/1024, 2 tasks),
  // PostgreSQL on db.t4g.micro with 20 GB of gp3 and its RDS-managed password secret, the EFS
  // uploads file system, the assets bucket, the HTTP API's requests and its access log.
  const RDS_T4G_MICRO_HOUR = 0.016; // aws.amazon.com/rds/postgresql/pricing, Single-AZ
  const RDS_GP3_GB_MONTH = 0.115;
  const EFS_STANDARD_GB_MONTH = 0.3; // aws.amazon.com/efs/pricing
  const HTTP_API_MILLION_REQUESTS = 1; // aws.amazon.com/api-gateway/pricing, first 300 million
  const SES_1K_EMAILS = 0.1; // aws.amazon.com/ses/pricing, outbound
  const COGNITO_FREE_MAU = 10_000; // aws.amazon.com/cognito/pricing, Essentials tier
  const COGNITO_MAU = 0.015; // per monthly active user beyond the free ones
  function myappByHand(
    backendTasks: number,
    lcu: number,
    gbOut: number,
    apiRequests: number,
  ): number {
    const backend =
      backendTasks * (0.25 * FARGATE_VCPU_HOUR + 0.5 * FARGATE_GB_HOUR + PUBLIC_IPV4_HOUR);
    const worker = 2 * (0.5 * FARGATE_VCPU_HOUR + 1 * FARGATE_GB_HOUR + PUBLIC_IPV4_HOUR);
    const traffic = lcu * ALB_LCU_HOUR + gbOut * DATA_OUT_GB; // the ALB itself is dev's
    // backend, its X-Ray daemon, worker, the HTTP API's access log
    const logs = 4 * 0.01 * LOGS_INGEST_GB;
    // the HTTP API in front of the backend: its requests an hour (its VPC link has no charge)
    const api = (apiRequests / 1e6) * HTTP_API_MILLION_REQUESTS;
    const bucket = (1 * S3_GB_MONTH) / HOURS_PER_MONTH;
    const database = RDS_T4G_MICRO_HOUR + (20 * RDS_GP3_GB_MONTH + SECRET_MONTH) / HOURS_PER_MONTH;
    const files = (1 * EFS_STANDARD_GB_MONTH) / HOURS_PER_MONTH;
    const nat = 0; // dev: nat 'none'; the database subnets route nowhere
    // 10 emails an hour from mail.example.com (admin@example.com only receives them); the users
    // pool's 100 monthly active users are within Cognito's free 10,000
    const mail = (10 / 1000) * SES_1K_EMAILS;
    const users = (Math.max(0, 100 - COGNITO_FREE_MAU) * COGNITO_MAU) / HOURS_PER_MONTH;
    return backend + worker + traffic + logs + api + bucket + database + files + nat + mail + users;
  }

  it("agrees on seed 004's myapp in dev: tasks, the database, its secret and the file system", async () => {
    const { stdout, error } = await runCommand(
      ['cost', '--env', 'dev', '--workload', 'myapp', '--json'],
      { root: PKG_ROOT },
    );
    expect(error).toBeUndefined();
    const r = JSON.parse(stdout) as CostReport;
    expect(r.stacks.map((s) => [s.stack, s.region])).toEqual([['dev-myapp', 'us-east-1']]);
    const [myapp] = r.stacks;
    const items = new Set(myapp!.minimum.lines.map((l) => l.item));
    for (const item of [
      'RDS instance hours',
      'RDS gp3 storage',
      'Secrets Manager secret (master password)',
      'EFS storage',
      'S3 storage',
      'API Gateway HTTP API requests',
      'SES emails sent',
      'Cognito monthly active users',
    ])
      expect([item, items.has(item)]).toEqual([item, true]);
    expect([...items].filter((i) => /NAT|Application Load Balancer/.test(i))).toEqual([]);

    // Minimum: 1,000 API requests an hour (light test traffic).
    const min = myappByHand(1, 1, 0.05, 1000);
    expect(min).toBeCloseTo(0.1314, 4);
    expect(Math.abs(myapp!.minimum.hourly - min) / min).toBeLessThan(0.01);
    expect(myapp!.minimum.tasks).toBe(3);
    // Maximum: 100,000 API requests an hour per backend task (the worker serves none).
    const max = myappByHand(4, 4, 4 * 0.5, 4 * 100_000);
    expect(max).toBeCloseTo(0.7819, 4);
    expect(Math.abs(myapp!.maximum.hourly - max) / max).toBeLessThan(0.01);
    expect(myapp!.maximum.tasks).toBe(6);
  });

  it('has a price table for every region of the default environments', async () => {
    const { stdout, error } = await runCommand(['cost', '--json'], { root: PKG_ROOT });
    expect(error).toBeUndefined();
    const r = JSON.parse(stdout) as CostReport;
    expect(r.priceTables.map((t) => t.region)).toEqual(['us-east-1', 'us-west-2']);
    expect(r.stacks.find((s) => s.stack === 'prod')?.region).toBe('us-west-2');
  });
});
