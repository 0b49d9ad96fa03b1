import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { STSClient } from '@aws-sdk/client-sts';

// Clients are built without `endpoint`, so the SDK's own AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE> handling stays in charge (LocalStack, emulators, VPC endpoints).
// Each SDK package is loaded on first use: `list` should not pay for ECS, S3 and STS.
/* eslint-disable @typescript-eslint/no-require-imports */

/**
 * The AWS SDK prints a multi-line NodeVersionSupportWarning on stderr the first time a client is
 * built on Node < 22 (`@aws-sdk/core`'s emitWarningIfUnsupportedVersion). It tells the operator of
 * a CLI nothing they can act on mid-command and breaks "one line per step", so it is switched off
 * through the SDK's own switch unless `--verbose` is given or the variable is already set.
 */
export function quietAwsSdkNodeWarning(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (argv.includes('--verbose')) return;
  env[AWS_SDK_NODE_WARNING_SWITCH] ??= 'true';
}

/** The variable `@aws-sdk/core` reads to skip its Node version warning. */
export const AWS_SDK_NODE_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** True when S3 is pointed somewhere else than AWS: such servers want path-style addressing. */
export function customS3Endpoint(): boolean {
  return Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
}

export function s3Client(region: string): S3Client {
  const { S3Client: C } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  return new C({ region, forcePathStyle: customS3Endpoint() });
}

export function dynamoClient(region: string): DynamoDBClient {
  const { DynamoDBClient: C } =
    require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  return new C({ region });
}

export function ecsClient(region: string): ECSClient {
  const { ECSClient: C } = require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs');
  return new C({ region });
}

export function logsClient(region: string): CloudWatchLogsClient {
  const { CloudWatchLogsClient: C } =
    require('@aws-sdk/client-cloudwatch-logs') as typeof import('@aws-sdk/client-cloudwatch-logs');
  return new C({ region });
}

export function elbClient(region: string): ElasticLoadBalancingV2Client {
  const { ElasticLoadBalancingV2Client: C } =
    require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  return new C({ region });
}

export function stsClient(region: string): STSClient {
  const { STSClient: C } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
  return new C({ region });
}

export function secretsManagerClient(region: string): SecretsManagerClient {
  const { SecretsManagerClient: C } =
    require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  return new C({ region });
}
