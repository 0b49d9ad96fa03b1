import {
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeMountTargetsCommand,
  EFSClient,
  FileSystemInUse,
  MountTargetNotFound,
} from '@aws-sdk/client-efs';
import { S3Client } from '@aws-sdk/client-s3';
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

// Issue 14 E: a workload's EFS file system, its mount targets and access point.
const ENV = 'dev';
const WORKLOAD = 'shop';
const A = '123456789012';
const R = 'us-east-1';
const BOTH = { 'automock:env': ENV, 'automock:project': WORKLOAD };
const ARNS = {
  fileSystem: `arn:aws:elasticfilesystem:${R}:${A}:file-system/fs-0123456789abcdef0`,
  accessPoint: `arn:aws:elasticfilesystem:${R}:${A}:access-point/fsap-0123456789abcdef0`,
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
  opts: { inUseOnce?: boolean; mountTargetGone?: string } = {},
) {
  const clients = {
    ...mockedServiceClients(),
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS }),
    efs: new EFSClient({ region: REGION, credentials: CREDENTIALS }),
  };
  fake = fakeAws(clients, resources, { ignoreTagFilters: true });
  const calls: string[] = [];
  const efs = mockClient(clients.efs);
  restore = [() => efs.restore()];
  efs
    .on(DeleteAccessPointCommand)
    .callsFake((i) => (calls.push(`DeleteAccessPoint ${i.AccessPointId}`), {}));
  // Two pages: one mount target per AZ, one of them already going.
  efs.on(DescribeMountTargetsCommand).callsFake((i) =>
    i.Marker === undefined
      ? {
          MountTargets: [
            { MountTargetId: 'fsmt-a', LifeCycleState: 'available' },
            { MountTargetId: 'fsmt-b', LifeCycleState: 'deleting' },
          ],
          NextMarker: 'page-2',
        }
      : { MountTargets: [{ MountTargetId: 'fsmt-c', LifeCycleState: 'available' }] },
  );
  efs.on(DeleteMountTargetCommand).callsFake((i) => {
    calls.push(`DeleteMountTarget ${i.MountTargetId}`);
    if (i.MountTargetId === opts.mountTargetGone)
      throw new MountTargetNotFound({
        message: 'gone',
        ErrorCode: 'MountTargetNotFound',
        $metadata: {},
      });
    return {};
  });
  let inUse = opts.inUseOnce ?? false;
  efs.on(DeleteFileSystemCommand).callsFake((i) => {
    calls.push(`DeleteFileSystem ${i.FileSystemId}`);
    if (inUse) {
      inUse = false;
      throw new FileSystemInUse({
        message: 'has mount targets',
        ErrorCode: 'FileSystemInUse',
        $metadata: {},
      });
    }
    return {};
  });
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

describe('sweep: workload files (EFS)', () => {
  it('classifies file systems and access points', () => {
    expect(classify(ARNS.fileSystem)).toEqual({
      arn: ARNS.fileSystem,
      kind: 'efs-file-system',
      id: 'fs-0123456789abcdef0',
    });
    expect(classify(ARNS.accessPoint)).toEqual({
      arn: ARNS.accessPoint,
      kind: 'efs-access-point',
      id: 'fsap-0123456789abcdef0',
    });
  });

  it('goes after the services, before the security groups and subnets its mount targets hold', () => {
    const order = SWEEP_ORDER as readonly string[];
    expect(order.indexOf('ecs-service')).toBeLessThan(order.indexOf('efs-access-point'));
    expect(order.indexOf('efs-access-point')).toBeLessThan(order.indexOf('efs-file-system'));
    expect(order.indexOf('efs-file-system')).toBeLessThan(order.indexOf('security-group'));
    expect(order.indexOf('efs-file-system')).toBeLessThan(order.indexOf('subnet'));
  });

  it('deletes the access point, then every mount target, then the file system (retried while in use)', async () => {
    const { calls, run } = setup(
      Object.values(ARNS).map((arn) => ({ arn, tags: BOTH })),
      { inUseOnce: true },
    );
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      'DeleteAccessPoint fsap-0123456789abcdef0',
      'DeleteMountTarget fsmt-a',
      'DeleteMountTarget fsmt-c',
      'DeleteFileSystem fs-0123456789abcdef0',
      // Refused while the mount targets go, then retried whole (this mock still lists them).
      'DeleteMountTarget fsmt-a',
      'DeleteMountTarget fsmt-c',
      'DeleteFileSystem fs-0123456789abcdef0',
    ]);
    expect([...r.deleted].sort()).toEqual(Object.values(ARNS).sort());
  });

  it('a mount target already gone does not count the file system as deleted', async () => {
    const { calls, run } = setup([{ arn: ARNS.fileSystem, tags: BOTH }], {
      mountTargetGone: 'fsmt-a',
    });
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      'DeleteMountTarget fsmt-a',
      'DeleteMountTarget fsmt-c',
      'DeleteFileSystem fs-0123456789abcdef0',
    ]);
  });

  it('never deletes one without both tags', async () => {
    const { calls, run } = setup(
      Object.values(ARNS).flatMap((arn, i): FakeResource[] => [
        { arn, tags: { 'automock:env': ENV } },
        { arn: `${arn}${i}`, tags: { 'automock:project': WORKLOAD } },
      ]),
    );
    await run();
    expect(calls).toEqual([]);
  });
});
