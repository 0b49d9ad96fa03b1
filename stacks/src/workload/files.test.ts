import {
  defineWorkload,
  type ResolvedFileSystem,
  type ResolvedService,
  type WorkloadInput,
} from '@automock/core';
import { Testing } from 'cdktf';
import { filesBuilder } from './files';
import { servicesBuilder } from './services';
import { TEST_ENV, testBuild } from './testing';

type Json = Record<string, any>;

const FILES: WorkloadInput['files'] = [
  {
    name: 'uploads',
    accessPoints: [{ name: 'app', path: '/uploads', uid: 1001, gid: 1001, permissions: '0750' }],
  },
];

function build(services: WorkloadInput['services']) {
  const w = defineWorkload(
    { name: 'shop', environments: ['dev'], files: FILES, services },
    TEST_ENV,
  );
  const b = testBuild();
  filesBuilder.build(w.sections.files as readonly ResolvedFileSystem[], b.ctx);
  servicesBuilder.build(w.sections.services as readonly ResolvedService[], b.ctx);
  const json: Json = JSON.parse(Testing.synth(b.stack));
  const all = (type: string): [string, Json][] => Object.entries(json.resource[type] ?? {});
  const named = (type: string, part: string) => all(type).find(([k]) => k.includes(part))![1];
  return { ...b, json, all, named };
}

const BACKEND = {
  name: 'backend',
  image: 'public.ecr.aws/nginx/nginx:1.27',
  mounts: [{ fileSystem: 'uploads', accessPoint: 'app', path: '/app/uploads' }],
};
const REPORTS = {
  name: 'reports',
  image: 'public.ecr.aws/nginx/nginx:1.27',
  mounts: [{ fileSystem: 'uploads', path: '/data', readOnly: true }],
};
const OTHER = { name: 'other', image: 'public.ecr.aws/nginx/nginx:1.27' };

describe('the files builder', () => {
  test('runs before the services that mount its file systems', () => {
    expect([filesBuilder.key, filesBuilder.order]).toEqual(['files', 10]);
    expect(filesBuilder.order).toBeLessThan(servicesBuilder.order);
  });

  test('an encrypted file system with a mount target per private subnet and its access point', () => {
    const { all } = build([OTHER]);
    const [[, fs]] = all('aws_efs_file_system') as [[string, Json]];
    expect(fs).toEqual(
      expect.objectContaining({
        creation_token: 'automock-dev-shop-files-uploads',
        encrypted: true,
        lifecycle_policy: [
          { transition_to_ia: 'AFTER_30_DAYS' },
          { transition_to_primary_storage_class: 'AFTER_1_ACCESS' },
        ],
      }),
    );
    const [[, mt]] = all('aws_efs_mount_target') as [[string, Json]];
    expect(mt.count).toBe('${length(["subnet-private-a", "subnet-private-b"])}');
    const [[, ap]] = all('aws_efs_access_point') as [[string, Json]];
    expect(ap.posix_user).toEqual({ uid: 1001, gid: 1001 });
    expect(ap.root_directory).toEqual({
      path: '/uploads',
      creation_info: { owner_uid: 1001, owner_gid: 1001, permissions: '0750' },
    });
  });

  test('provides the file system and its access point to the other sections', () => {
    const { provided, resolve } = build([OTHER]);
    expect(resolve(provided.get('fileSystem/uploads'))).toEqual({
      kind: 'fileSystem',
      name: 'uploads',
      arn: expect.stringMatching(/^\$\{aws_efs_file_system\..+\.arn\}$/),
      attributes: {
        fileSystemId: expect.stringMatching(/^\$\{aws_efs_file_system\..+\.id\}$/),
        securityGroupId: expect.stringMatching(/^\$\{aws_security_group\..+\.id\}$/),
      },
    });
    expect(resolve(provided.get('fileSystemAccessPoint/uploads/app'))!.arn).toMatch(
      /^\$\{aws_efs_access_point\..+\.arn\}$/,
    );
  });

  test("the file system's group admits NFS only from the services that mount it", () => {
    const { all, named } = build([BACKEND, REPORTS, OTHER]);
    const fsSg = all('aws_security_group').find(([k]) => k.includes('Files-uploads'))![0];
    const nfs = all('aws_vpc_security_group_ingress_rule')
      .map(([, r]) => r)
      .filter((r) => r.security_group_id === `\${aws_security_group.${fsSg}.id}`);
    const sgOf = (svc: string) =>
      `\${aws_security_group.${all('aws_security_group').find(([k]) => k.includes(`Service-${svc}_`))![0]}.id}`;
    expect(nfs.map((r) => r.referenced_security_group_id).sort()).toEqual(
      [sgOf('backend'), sgOf('reports')].sort(),
    );
    for (const r of nfs) {
      expect([r.ip_protocol, r.from_port, r.to_port]).toEqual(['tcp', 2049, 2049]);
      expect(r.cidr_ipv4).toBeUndefined();
    }
    expect(named('aws_security_group', 'Files-uploads').ingress).toBeUndefined();
  });

  test("the task definition's volume and the container's mount point, field by field", () => {
    const { named, all } = build([BACKEND, REPORTS]);
    const fsId = `\${aws_efs_file_system.${all('aws_efs_file_system')[0]![0]}.id}`;
    const apId = `\${aws_efs_access_point.${all('aws_efs_access_point')[0]![0]}.id}`;
    const backend = named('aws_ecs_task_definition', 'Service-backend');
    expect(backend.volume).toEqual([
      {
        name: 'efs-uploads-app',
        efs_volume_configuration: {
          file_system_id: fsId,
          transit_encryption: 'ENABLED',
          authorization_config: { iam: 'ENABLED', access_point_id: apId },
        },
      },
    ]);
    const [container] = JSON.parse(backend.container_definitions);
    expect(container.mountPoints).toEqual([
      { sourceVolume: 'efs-uploads-app', containerPath: '/app/uploads', readOnly: false },
    ]);
    const reports = named('aws_ecs_task_definition', 'Service-reports');
    expect(reports.volume).toEqual([
      {
        name: 'efs-uploads',
        efs_volume_configuration: {
          file_system_id: fsId,
          transit_encryption: 'ENABLED',
          authorization_config: { iam: 'ENABLED' },
        },
      },
    ]);
    expect(JSON.parse(reports.container_definitions)[0].mountPoints).toEqual([
      { sourceVolume: 'efs-uploads', containerPath: '/data', readOnly: true },
    ]);
  });

  test('the task role may mount that file system only, through the access point; write unless read-only', () => {
    const { named, all } = build([BACKEND, REPORTS]);
    const fsArn = `\${aws_efs_file_system.${all('aws_efs_file_system')[0]![0]}.arn}`;
    const apArn = `\${aws_efs_access_point.${all('aws_efs_access_point')[0]![0]}.arn}`;
    const statements = (svc: string) =>
      JSON.parse(named('aws_iam_role_policy', `Service-${svc}_Fargate_TaskPolicy`).policy)
        .Statement as Json[];
    expect(statements('backend')).toContainEqual({
      Effect: 'Allow',
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Resource: fsArn,
      Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': apArn } },
    });
    expect(statements('reports')).toContainEqual({
      Effect: 'Allow',
      Action: ['elasticfilesystem:ClientMount'],
      Resource: fsArn,
    });
    const efsActions = (svc: string) =>
      statements(svc)
        .flatMap((s) => [s.Action].flat())
        .filter((a: string) => a.startsWith('elasticfilesystem:'));
    expect(efsActions('reports')).toEqual(['elasticfilesystem:ClientMount']);
  });
});
