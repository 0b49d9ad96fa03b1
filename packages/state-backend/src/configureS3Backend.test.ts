import { ConfigValidationError, environmentStateKey, stateBackendNames } from '@automock/core';
import { TerraformStack, Testing } from 'cdktf';
import { S3BackendOptions, configureS3Backend } from './configureS3Backend';

const names = stateBackendNames('automock', '123456789012', 'eu-west-1');
const base: S3BackendOptions = {
  bucket: names.bucket,
  key: environmentStateKey('dev'),
  region: 'eu-west-1',
  lockTable: names.lockTable,
};

function backendOf(options: Partial<S3BackendOptions> = {}): Record<string, unknown> {
  const stack = new TerraformStack(Testing.app(), 'test');
  configureS3Backend(stack, { ...base, ...options });
  return JSON.parse(Testing.synth(stack)).terraform.backend.s3;
}

describe('configureS3Backend', () => {
  it('encrypts, locks through DynamoDB and adds use_lockfile by default', () => {
    expect(backendOf()).toEqual({
      bucket: names.bucket,
      key: 'envs/dev/terraform.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      dynamodb_table: names.lockTable,
      use_lockfile: true,
    });
  });

  it('leaves use_lockfile out when asked, keeping the DynamoDB lock', () => {
    const b = backendOf({ useLockfile: false });
    expect(b.use_lockfile).toBeUndefined();
    expect(b.dynamodb_table).toBe(names.lockTable);
  });

  it('points at custom endpoints without the emulator flags unless asked', () => {
    const b = backendOf({ endpoints: { s3: 'https://s3.example.internal' } });
    expect(b.endpoints).toEqual({ s3: 'https://s3.example.internal' });
    expect(b.use_path_style).toBeUndefined();
    expect(b.skip_credentials_validation).toBeUndefined();
  });

  it('adds path-style addressing and skips STS, IAM, IMDS and region checks for emulators', () => {
    const b = backendOf({
      emulator: true,
      endpoints: { s3: 'http://127.0.0.1:4569', dynamodb: 'http://127.0.0.1:4567' },
    });
    expect(b).toMatchObject({
      endpoints: { s3: 'http://127.0.0.1:4569', dynamodb: 'http://127.0.0.1:4567' },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
      skip_s3_checksum: true,
      encrypt: true,
      use_lockfile: true,
    });
  });

  it('passes a KMS key for the state object', () => {
    const kmsKeyId = 'arn:aws:kms:eu-west-1:123456789012:key/abc';
    expect(backendOf({ kmsKeyId }).kms_key_id).toBe(kmsKeyId);
  });

  it('reports every bad option at once and adds no backend', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    let error: unknown;
    try {
      configureS3Backend(stack, {
        bucket: 'Bad_Bucket',
        key: '',
        region: 'eu-west',
        lockTable: 'x',
        endpoints: { dynamodb: 'localhost:4567' },
        emulator: true,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).issues.map((i) => i.field)).toEqual([
      's3Backend.bucket',
      's3Backend.key',
      's3Backend.region',
      's3Backend.lockTable',
      's3Backend.endpoints.dynamodb',
      's3Backend.endpoints.s3',
    ]);
    expect((error as Error).message).toMatch(
      /s3Backend\.key: got "", must be a non-empty object key/,
    );
    expect(JSON.parse(Testing.synth(stack)).terraform?.backend).toBeUndefined();
  });

  it.each([['/envs/dev.tfstate'], ['envs/dev/'], ['   ']])('rejects key %j', (key) => {
    expect(() => backendOf({ key })).toThrow(/s3Backend\.key/);
  });
});
