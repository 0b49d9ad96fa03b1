import {
  DeleteDBInstanceCommand,
  DeleteDBParameterGroupCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  InvalidDBParameterGroupStateFault,
  RDSClient,
} from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { DeleteParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  EMULATOR_CREDENTIALS as CREDENTIALS,
  EMULATOR_REGION as REGION,
} from '@automock/test-support/emulators';
import {
  type FakeAws,
  type FakeResource,
  fakeAws,
  instantClock,
  mockedServiceClients,
} from '@automock/test-support/fake-aws';
import { mockClient } from 'aws-sdk-client-mock';
import { classify, SWEEP_ORDER, sweepProject } from './sweep';

// Issue 14 A: a workload's database instance, its parameter group and connection parameters.
const ENV = 'dev';
const WORKLOAD = 'shop';
const A = '123456789012';
const R = 'us-east-1';
const BOTH = { 'automock:env': ENV, 'automock:project': WORKLOAD };
const ARNS = {
  instance: `arn:aws:rds:${R}:${A}:db:automock-dev-shop`,
  group: `arn:aws:rds:${R}:${A}:pg:automock-dev-shop-postgres`,
  host: `arn:aws:ssm:${R}:${A}:parameter/dev/shop/postgres_host`,
};

let fake: FakeAws | undefined;
let restore: (() => void)[] = [];
afterEach(() => {
  fake?.restore();
  for (const r of restore) r();
  restore = [];
});

function setup(
  resources: FakeResource[],
  opts: { instanceState?: 'deleting' | 'available'; groupBusyOnce?: boolean } = {},
) {
  const clients = {
    ...mockedServiceClients(),
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS }),
    rds: new RDSClient({ region: REGION, credentials: CREDENTIALS }),
    ssm: new SSMClient({ region: REGION, credentials: CREDENTIALS }),
  };
  fake = fakeAws(clients, resources, { ignoreTagFilters: true });
  const calls: string[] = [];
  const rds = mockClient(clients.rds);
  const ssm = mockClient(clients.ssm);
  restore = [() => rds.restore(), () => ssm.restore()];
  rds.on(DeleteDBInstanceCommand).callsFake((i) => {
    calls.push(
      `DeleteDBInstance ${i.DBInstanceIdentifier} skip=${String(i.SkipFinalSnapshot)} backups=${String(i.DeleteAutomatedBackups)}`,
    );
    if (opts.instanceState)
      throw new InvalidDBInstanceStateFault({ message: 'not available', $metadata: {} });
    return {};
  });
  rds.on(DescribeDBInstancesCommand).callsFake(() => ({
    DBInstances: [{ DBInstanceStatus: opts.instanceState }],
  }));
  let busy = opts.groupBusyOnce ?? false;
  rds.on(DeleteDBParameterGroupCommand).callsFake((i) => {
    calls.push(`DeleteDBParameterGroup ${i.DBParameterGroupName}`);
    if (busy) {
      busy = false;
      throw new InvalidDBParameterGroupStateFault({ message: 'in use', $metadata: {} });
    }
    return {};
  });
  ssm.on(DeleteParameterCommand).callsFake((i) => (calls.push(`DeleteParameter ${i.Name}`), {}));
  const run = () =>
    sweepProject(clients, {
      accountId: A,
      namePrefix: 'automock',
      env: ENV,
      project: WORKLOAD,
      clock: instantClock(),
    });
  return { calls, run };
}

describe('sweep: workload database', () => {
  it('classifies instances, parameter groups and parameters; never subnet groups', () => {
    expect(classify(ARNS.instance)).toEqual({
      arn: ARNS.instance,
      kind: 'rds-instance',
      id: 'automock-dev-shop',
    });
    expect(classify(ARNS.group)!.id).toBe('automock-dev-shop-postgres');
    expect(classify(ARNS.host)).toEqual({
      arn: ARNS.host,
      kind: 'ssm-parameter',
      id: '/dev/shop/postgres_host',
    });
    expect(classify(`arn:aws:rds:${R}:${A}:subgrp:automock-dev-database`)).toBeUndefined();
    expect(classify(`arn:aws:ssm:${R}:${A}:parameter/dev/shop/postgres_password`)).toBeUndefined();
    expect(classify(`arn:aws:ssm:${R}:${A}:parameter/automock-deployments`)).toBeUndefined();
  });

  it('deletes the instance before security groups, without a final snapshot, then its group and parameters', async () => {
    const order = SWEEP_ORDER as readonly string[];
    expect(order.indexOf('rds-instance')).toBeLessThan(order.indexOf('security-group'));
    expect(order.indexOf('rds-instance')).toBeLessThan(order.indexOf('rds-parameter-group'));
    const { calls, run } = setup(
      Object.values(ARNS).map((arn) => ({ arn, tags: BOTH })),
      { groupBusyOnce: true },
    );
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      'DeleteDBInstance automock-dev-shop skip=true backups=true',
      // Refused while the instance goes, retried.
      'DeleteDBParameterGroup automock-dev-shop-postgres',
      'DeleteDBParameterGroup automock-dev-shop-postgres',
      'DeleteParameter /dev/shop/postgres_host',
    ]);
    expect([...r.deleted].sort()).toEqual(Object.values(ARNS).sort());
  });

  it('an instance already being deleted counts as done; one refused otherwise is a failure', async () => {
    const deleting = setup([{ arn: ARNS.instance, tags: BOTH }], { instanceState: 'deleting' });
    expect((await deleting.run()).failures).toEqual([]);
    fake?.restore();
    for (const f of restore) f();
    const stuck = setup([{ arn: ARNS.instance, tags: BOTH }], { instanceState: 'available' });
    const r = await stuck.run();
    expect(r.failures.map((f) => f.arn)).toEqual([ARNS.instance]);
  });

  it('never deletes one without both tags', async () => {
    const { calls, run } = setup(
      Object.values(ARNS).flatMap((arn, i): FakeResource[] => [
        { arn, tags: { 'automock:env': ENV } },
        { arn: `${arn}-other${i}`, tags: { 'automock:project': WORKLOAD } },
      ]),
    );
    await run();
    expect(calls).toEqual([]);
  });
});
