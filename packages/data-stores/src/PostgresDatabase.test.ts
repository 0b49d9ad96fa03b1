// cdktf's jest matcher types (the matchers themselves are installed by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { PostgresDatabase, type PostgresDatabaseProps } from './PostgresDatabase';

type Json = Record<string, any>;

const props: PostgresDatabaseProps = {
  identifier: 'automock-dev-shop',
  parameterGroupName: 'automock-dev-shop-postgres',
  family: 'postgres17',
  engineVersion: '17',
  instanceClass: 'db.t4g.micro',
  databaseName: 'shop',
  username: 'postgres',
  allocatedStorageGiB: 20,
  maxAllocatedStorageGiB: 100,
  vpcId: 'vpc-1',
  subnetGroupName: 'automock-dev-database',
  securityGroupName: 'automock-dev-shop-postgres',
  ssmParameters: {
    host: '/dev/shop/postgres_host',
    port: '/dev/shop/postgres_port',
    database: '/dev/shop/postgres_database',
    username: '/dev/shop/postgres_username',
  },
};

function synth(over: Partial<PostgresDatabaseProps> = {}, sources: [string, string][] = []) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const db = new PostgresDatabase(stack, 'Db', { ...props, ...over });
  for (const [n, sg] of sources) db.allowFrom(n, sg);
  new TerraformOutput(stack, 'grants', { value: db.grants() });
  const json: Json = JSON.parse(Testing.synth(stack));
  const one = (type: string) => Object.values(json.resource[type] ?? {}) as Json[];
  return { db, json, one, instance: one('aws_db_instance')[0]! };
}

describe('PostgresDatabase', () => {
  test('storage is always encrypted, gp3, autoscaling up to the limit', () => {
    const { instance } = synth();
    expect(instance).toEqual(
      expect.objectContaining({
        engine: 'postgres',
        engine_version: '17',
        storage_encrypted: true,
        storage_type: 'gp3',
        allocated_storage: 20,
        max_allocated_storage: 100,
      }),
    );
    expect(synth({ maxAllocatedStorageGiB: 0 }).instance.max_allocated_storage).toBeUndefined();
    expect(
      synth({ kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' }).instance.kms_key_id,
    ).toBe('arn:aws:kms:eu-west-1:123456789012:key/abc');
  });

  test('is not publicly accessible, and sits in the database subnet group', () => {
    const { instance, json } = synth();
    expect(instance.publicly_accessible).toBe(false);
    expect(instance.db_subnet_group_name).toBe('automock-dev-database');
    const sgKey = Object.keys(json.resource.aws_security_group)[0];
    expect(instance.vpc_security_group_ids).toEqual([`\${aws_security_group.${sgKey}.id}`]);
  });

  test('the master password is managed by RDS: no password anywhere in the configuration', () => {
    const { instance, json } = synth();
    expect(instance.manage_master_user_password).toBe(true);
    expect(instance.password).toBeUndefined();
    expect(instance.password_wo).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/password_wo|"password"/);
  });

  test('backs up 7 days by default; deletion protection takes a final snapshot, else destroy skips it', () => {
    const dev = synth().instance;
    expect(dev).toEqual(
      expect.objectContaining({
        backup_retention_period: 7,
        deletion_protection: false,
        skip_final_snapshot: true,
        copy_tags_to_snapshot: true,
      }),
    );
    expect(dev.final_snapshot_identifier).toBeUndefined();
    expect(
      synth({ deletionProtection: true, finalSnapshotIdentifier: 'automock-prod-shop-final' })
        .instance,
    ).toEqual(
      expect.objectContaining({
        deletion_protection: true,
        skip_final_snapshot: false,
        final_snapshot_identifier: 'automock-prod-shop-final',
      }),
    );
    expect(() => synth({ deletionProtection: true })).toThrow(
      /finalSnapshotIdentifier is required/,
    );
  });

  test('Multi-AZ and Performance Insights when asked', () => {
    expect(synth().instance).toEqual(
      expect.objectContaining({ multi_az: false, performance_insights_enabled: false }),
    );
    expect(
      synth({ multiAz: true, performanceInsights: true, performanceInsightsRetentionDays: 31 })
        .instance,
    ).toEqual(
      expect.objectContaining({
        multi_az: true,
        performance_insights_enabled: true,
        performance_insights_retention_period: 31,
      }),
    );
  });

  test('its own parameter group carries the given parameters', () => {
    const { one, instance, json } = synth({ parameters: { 'rds.force_ssl': '1' } });
    const [pg] = one('aws_db_parameter_group');
    expect(pg).toEqual(
      expect.objectContaining({
        name: 'automock-dev-shop-postgres',
        family: 'postgres17',
        parameter: [{ name: 'rds.force_ssl', value: '1', apply_method: 'pending-reboot' }],
      }),
    );
    const key = Object.keys(json.resource.aws_db_parameter_group)[0];
    expect(instance.parameter_group_name).toBe(`\${aws_db_parameter_group.${key}.name}`);
  });

  test('admits 5432 only from the given security groups, and nothing by default', () => {
    const none = synth();
    expect(none.one('aws_security_group')[0]).toEqual(
      expect.objectContaining({ ingress: [], egress: [] }),
    );
    expect(none.one('aws_vpc_security_group_ingress_rule')).toEqual([]);
    const { one } = synth({}, [['api', 'sg-api']]);
    expect(one('aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({
        referenced_security_group_id: 'sg-api',
        ip_protocol: 'tcp',
        from_port: 5432,
        to_port: 5432,
      }),
    ]);
    expect(one('aws_vpc_security_group_ingress_rule')[0]!.cidr_ipv4).toBeUndefined();
  });

  test('publishes the connection (never the password) in the seed SSM parameters, and grants exactly those and the secret', () => {
    const { one, json } = synth();
    const params = one('aws_ssm_parameter');
    expect(params.map((p) => [p.name, p.type]).sort()).toEqual([
      ['/dev/shop/postgres_database', 'String'],
      ['/dev/shop/postgres_host', 'String'],
      ['/dev/shop/postgres_port', 'String'],
      ['/dev/shop/postgres_username', 'String'],
    ]);
    expect(params.find((p) => p.name.endsWith('_database'))!.value).toBe('shop');
    const read = json.output.grants.value.read;
    expect(read).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        Resource: expect.stringMatching(/aws_db_instance\..*\.master_user_secret\[0\]\.secret_arn/),
      },
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:GetParameters'],
        Resource: [
          expect.stringMatching(/aws_ssm_parameter\./),
          expect.any(String),
          expect.any(String),
          expect.any(String),
        ],
      },
    ]);
  });
});
