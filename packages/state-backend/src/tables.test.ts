// cdktf's jest matcher types (the matchers themselves are installed by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { ConfigValidationError, REGISTRY_SCHEMA, stateBackendNames } from '@automock/core';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { TerraformStack, Testing } from 'cdktf';
import { LockTable } from './LockTable';
import { RegistryTable } from './RegistryTable';
import { StateBackend } from './StateBackend';

type Json = Record<string, any>;

const stack = () => new TerraformStack(Testing.app(), 'test');
const tables = (s: TerraformStack): Json[] =>
  Object.values(JSON.parse(Testing.synth(s)).resource.aws_dynamodb_table);

describe('LockTable', () => {
  it('is on-demand, keyed by LockID (S), recoverable, encrypted and protected twice', () => {
    const s = stack();
    new LockTable(s, 'Locks', { tableName: 'automock-terraform-locks' });
    expect(Testing.synth(s)).toHaveResourceWithProperties(DynamodbTable, {
      name: 'automock-terraform-locks',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    const [t] = tables(s);
    expect(t!.range_key).toBeUndefined();
    expect(t!.global_secondary_index).toBeUndefined();
  });

  it('uses a customer-managed key when given one', () => {
    const s = stack();
    const key = 'arn:aws:kms:us-east-1:123456789012:key/abc';
    new LockTable(s, 'Locks', { tableName: 'locks', kmsKeyArn: key });
    expect(tables(s)[0]!.server_side_encryption).toEqual({ enabled: true, kms_key_arn: key });
  });

  it('rejects a bad table name and a bad flag together, creating nothing', () => {
    const s = stack();
    let error: unknown;
    try {
      new LockTable(s, 'Locks', { tableName: 'no spaces!', deletionProtection: 'yes' as any });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues.map((i) => i.field)).toEqual([
      'lockTable.tableName',
      'lockTable.deletionProtection',
    ]);
    expect(s.node.children).toHaveLength(0);
  });
});

describe('RegistryTable', () => {
  it('has hash key pk and the env-expiresAt index projecting everything', () => {
    const s = stack();
    new RegistryTable(s, 'Registry', { tableName: 'automock-deployments' });
    expect(Testing.synth(s)).toHaveResourceWithProperties(DynamodbTable, {
      name: 'automock-deployments',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      global_secondary_index: [
        { name: 'env-expiresAt', hash_key: 'env', range_key: 'expiresAt', projection_type: 'ALL' },
      ],
    });
    const [t] = tables(s);
    // DynamoDB rejects attribute definitions that no key uses, so exactly the three key attributes.
    expect([...t!.attribute].sort((a: Json, b: Json) => a.name.localeCompare(b.name))).toEqual([
      { name: 'env', type: 'S' },
      { name: 'expiresAt', type: 'S' },
      { name: 'pk', type: 'S' },
    ]);
  });

  it('follows core REGISTRY_SCHEMA, which the registry client and reaper use too', () => {
    const s = stack();
    new RegistryTable(s, 'Registry', { tableName: 'automock-deployments' });
    const [t] = tables(s);
    expect(t!.hash_key).toBe(REGISTRY_SCHEMA.partitionKey);
    expect(t!.global_secondary_index[0].name).toBe(REGISTRY_SCHEMA.envIndex);
    expect(t!.ttl).toEqual({ attribute_name: REGISTRY_SCHEMA.purgeAtAttribute, enabled: true });
  });

  it('purges on purgeAt, and is recoverable, encrypted and protected', () => {
    const s = stack();
    new RegistryTable(s, 'Registry', { tableName: 'automock-deployments' });
    expect(Testing.synth(s)).toHaveResourceWithProperties(DynamodbTable, {
      ttl: { attribute_name: 'purgeAt', enabled: true },
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('can drop the protections for throw-away accounts', () => {
    const s = stack();
    new RegistryTable(s, 'Registry', {
      tableName: 'scratch-deployments',
      deletionProtection: false,
      preventDestroy: false,
    });
    const [t] = tables(s);
    expect(t!.deletion_protection_enabled).toBe(false);
    expect(t!.lifecycle).toEqual({ prevent_destroy: false });
  });
});

describe('StateBackend', () => {
  it('creates the bucket and both tables under the names core derives', () => {
    const s = stack();
    const backend = new StateBackend(s, 'State', {
      accountId: '123456789012',
      region: 'eu-west-1',
    });
    const names = stateBackendNames('automock', '123456789012', 'eu-west-1');
    expect(backend.names).toEqual(names);
    const raw = Testing.synth(s);
    expect(raw).toHaveResourceWithProperties(S3Bucket, { bucket: names.bucket });
    expect(raw).toHaveResourceWithProperties(DynamodbTable, {
      name: names.lockTable,
      hash_key: 'LockID',
    });
    expect(raw).toHaveResourceWithProperties(DynamodbTable, {
      name: names.registryTable,
      hash_key: 'pk',
    });
  });

  it('passes prevent_destroy and the table key through to every resource', () => {
    const s = stack();
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/abc';
    new StateBackend(s, 'State', {
      accountId: '123456789012',
      region: 'eu-west-1',
      preventDestroy: false,
      tableKmsKeyArn: key,
    });
    const json = JSON.parse(Testing.synth(s));
    const bucket = Object.values(json.resource.aws_s3_bucket)[0] as Json;
    expect(bucket.lifecycle).toEqual({ prevent_destroy: false });
    for (const t of tables(s)) {
      expect(t.lifecycle).toEqual({ prevent_destroy: false });
      expect(t.server_side_encryption.kms_key_arn).toBe(key);
    }
  });

  it('rejects a bad account id and region before creating anything', () => {
    const s = stack();
    expect(() => new StateBackend(s, 'State', { accountId: '1234', region: 'Mars' })).toThrow(
      /stateBackend\.accountId: got "1234", must be a 12-digit AWS account id[\s\S]*stateBackend\.region: got "Mars"/,
    );
    expect(s.node.children).toHaveLength(0);
  });
});
