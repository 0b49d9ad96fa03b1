// cdktf's jest matcher types (the matchers themselves are installed by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { SharedFileSystem, type SharedFileSystemProps } from './SharedFileSystem';

type Json = Record<string, any>;

const props: SharedFileSystemProps = {
  creationToken: 'automock-dev-shop-files-uploads',
  transitionToIa: 'AFTER_30_DAYS',
  accessPoints: [{ name: 'app', path: '/uploads', uid: 1001, gid: 1002, permissions: '0750' }],
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  securityGroupName: 'automock-dev-shop-files-uploads',
};

function synth(over: Partial<SharedFileSystemProps> = {}, clients: [string, string][] = []) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const fs = new SharedFileSystem(stack, 'Files', { ...props, ...over });
  for (const [n, sg] of clients) fs.allowFrom(n, sg);
  new TerraformOutput(stack, 'rw', {
    value: fs.mountStatement({ accessPoint: 'app', readOnly: false }),
  });
  new TerraformOutput(stack, 'ro', { value: fs.mountStatement({ readOnly: true }) });
  const json: Json = JSON.parse(Testing.synth(stack));
  const one = (type: string) => Object.values(json.resource[type] ?? {}) as Json[];
  return { fs, json, one, stack };
}

describe('SharedFileSystem', () => {
  test('is always encrypted, with the AWS managed key unless a key is given', () => {
    expect(synth().one('aws_efs_file_system')[0]).toEqual(
      expect.objectContaining({ encrypted: true, creation_token: props.creationToken }),
    );
    expect(synth().one('aws_efs_file_system')[0]!.kms_key_id).toBeUndefined();
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(synth({ kmsKeyArn: key }).one('aws_efs_file_system')[0]).toEqual(
      expect.objectContaining({ encrypted: true, kms_key_id: key }),
    );
  });

  test('moves files to Infrequent Access and back on access, one transition per block', () => {
    expect(synth().one('aws_efs_file_system')[0]!.lifecycle_policy).toEqual([
      { transition_to_ia: 'AFTER_30_DAYS' },
      { transition_to_primary_storage_class: 'AFTER_1_ACCESS' },
    ]);
    expect(
      synth({ backToStandardOnAccess: false }).one('aws_efs_file_system')[0]!.lifecycle_policy,
    ).toEqual([{ transition_to_ia: 'AFTER_30_DAYS' }]);
    expect(
      synth({ transitionToIa: undefined }).one('aws_efs_file_system')[0]!.lifecycle_policy,
    ).toBeUndefined();
  });

  test('has a mount target in every subnet given, behind its own security group', () => {
    const { one } = synth();
    const [mt] = one('aws_efs_mount_target');
    expect(one('aws_efs_mount_target')).toHaveLength(1);
    expect(mt!.count).toBe('${length(["subnet-a", "subnet-b", "subnet-c"])}');
    expect(mt!.subnet_id).toBe('${element(["subnet-a", "subnet-b", "subnet-c"], count.index)}');
    expect(mt!.security_groups).toEqual(['${aws_security_group.Files_SecurityGroup_A40C1868.id}']);
  });

  test('counts mount targets over a subnet list known only at apply', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const subnets = new TerraformVariable(stack, 'subnets', { type: 'list(string)' });
    new SharedFileSystem(stack, 'Files', { ...props, subnetIds: subnets.listValue });
    const json: Json = JSON.parse(Testing.synth(stack));
    const [mt] = Object.values(json.resource.aws_efs_mount_target) as Json[];
    expect(mt!.count).toBe('${length(var.subnets)}');
    expect(mt!.subnet_id).toBe('${element(var.subnets, count.index)}');
  });

  test('access points impose the POSIX user and create the root with its owner and mode', () => {
    expect(synth().one('aws_efs_access_point')).toEqual([
      expect.objectContaining({
        file_system_id: '${aws_efs_file_system.Files_FileSystem_8770F8A4.id}',
        posix_user: { uid: 1001, gid: 1002 },
        root_directory: {
          path: '/uploads',
          creation_info: { owner_uid: 1001, owner_gid: 1002, permissions: '0750' },
        },
      }),
    ]);
  });

  test('its security group admits NFS only from the clients given, and nothing else', () => {
    const { one } = synth({}, [['backend', 'sg-backend']]);
    const [sg] = one('aws_security_group');
    expect(sg!.ingress).toBeUndefined();
    expect(one('aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({
        referenced_security_group_id: 'sg-backend',
        ip_protocol: 'tcp',
        from_port: 2049,
        to_port: 2049,
      }),
    ]);
    expect(one('aws_vpc_security_group_ingress_rule')[0]!.cidr_ipv4).toBeUndefined();
    expect(synth().one('aws_vpc_security_group_ingress_rule')).toEqual([]);
  });

  test('mount statements: ClientMount, ClientWrite unless read-only, on this file system, through the access point', () => {
    const { json } = synth();
    expect(json.output.rw.value).toEqual({
      Effect: 'Allow',
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Resource: '${aws_efs_file_system.Files_FileSystem_8770F8A4.arn}',
      Condition: {
        StringEquals: {
          'elasticfilesystem:AccessPointArn':
            '${aws_efs_access_point.Files_AccessPoint-app_407CF8AF.arn}',
        },
      },
    });
    expect(json.output.ro.value).toEqual({
      Effect: 'Allow',
      Action: ['elasticfilesystem:ClientMount'],
      Resource: '${aws_efs_file_system.Files_FileSystem_8770F8A4.arn}',
    });
  });

  test('refuses a mount statement through an access point it does not have', () => {
    expect(() => synth().fs.mountStatement({ accessPoint: 'nope', readOnly: true })).toThrow(
      /no access point nope/,
    );
  });
});
