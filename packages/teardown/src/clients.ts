import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { RDSClient } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { EFSClient } from '@aws-sdk/client-efs';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { TeardownClients } from './record';

/** Options of {@link teardownClients}. */
export interface TeardownClientOptions {
  /** Region of every client. @default - the SDK's own (AWS_REGION, the Lambda's region) */
  readonly region?: string;
  /** Path-style S3 addressing, which S3 emulators want. @default false */
  readonly forcePathStyle?: boolean;
}

/**
 * One client of each service a teardown uses. None gets a fixed endpoint, so the SDK's own
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> handling stays in charge.
 */
export function teardownClients(opts: TeardownClientOptions = {}): TeardownClients {
  const c = opts.region === undefined ? {} : { region: opts.region };
  return {
    dynamodb: new DynamoDBClient(c),
    s3: new S3Client(opts.forcePathStyle ? { ...c, forcePathStyle: true } : c),
    tagging: new ResourceGroupsTaggingAPIClient(c),
    ecs: new ECSClient(c),
    elbv2: new ElasticLoadBalancingV2Client(c),
    ec2: new EC2Client(c),
    logs: new CloudWatchLogsClient(c),
    cloudwatch: new CloudWatchClient(c),
    autoscaling: new ApplicationAutoScalingClient(c),
    secrets: new SecretsManagerClient(c),
    ecr: new ECRClient(c),
    iam: new IAMClient(c),
    sts: new STSClient(c),
    // Scheduled and event tasks: rules and queues are only touched when the Tagging API lists
    // some; schedule groups are listed by name on every sweep (schedules carry no tags).
    scheduler: new SchedulerClient(c),
    eventbridge: new EventBridgeClient(c),
    sqs: new SQSClient(c),
    sns: new SNSClient(c),
    kms: new KMSClient(c),
    servicediscovery: new ServiceDiscoveryClient(c),
    // ---- issue 14: a workload's database (instance, parameter group, connection parameters)
    // and file systems.
    rds: new RDSClient(c),
    ssm: new SSMClient(c),
    efs: new EFSClient(c),
    // Mail identities and configuration sets are listed on every sweep (SES's list calls take
    // no tag filter); user pools and HTTP APIs only when the Tagging API lists some.
    sesv2: new SESv2Client(c),
    cognito: new CognitoIdentityProviderClient(c),
    apigatewayv2: new ApiGatewayV2Client(c),
  };
}

/** Destroys every client (their keep-alive sockets would hold a CLI process open). */
export function destroyClients(clients: TeardownClients): void {
  for (const c of Object.values(clients) as { destroy(): void }[]) c.destroy();
}
