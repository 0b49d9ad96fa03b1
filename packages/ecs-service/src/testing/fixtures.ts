/* eslint-disable @typescript-eslint/no-explicit-any -- synthesised JSON is untyped */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { MockServerServiceProps } from '../MockServerService';

/** A stack with a provider, for construct tests. */
export function testStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  return stack;
}

/** Resources of one type in a synthesised stack, by logical id. */
export function resources(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The single resource of a type (fails when there is not exactly one). */
export function only(json: any, type: string): any {
  const all = Object.values(resources(json, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

export const BASE_MOCK_PROPS: MockServerServiceProps = {
  prefix: 'automock',
  env: 'dev',
  project: 'petstore',
  region: 'us-east-1',
  clusterName: 'automock-dev',
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/automock-dev',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-private-a', 'subnet-private-b'],
  size: { cpu: 512, memory: 1024 },
  logRetentionDays: 14,
  minTasks: 1,
  maxTasks: 20,
  alarmTopicArns: ['arn:aws:sns:us-east-1:123456789012:automock-dev-alerts'],
  controlPlane: { secretName: 'automock/dev/petstore/control-plane-token' },
  config: {
    bucketName: 'automock-dev-petstore-config-123456789012',
    expectationsKey: 'expectations.json',
    readableObjectArns: [
      'arn:aws:s3:::automock-dev-petstore-config-123456789012/expectations.json',
      'arn:aws:s3:::automock-dev-petstore-config-123456789012/project-metadata.json',
    ],
    version: 'abc123',
  },
  routing: { kind: 'shared-port', port: 10042 },
  sharedAlb: {
    albArn:
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/automock-dev-shared/1',
    albArnSuffix: 'app/automock-dev-shared/1',
    albSecurityGroupId: 'sg-alb',
    albDnsName: 'automock-dev-shared-1.us-east-1.elb.amazonaws.com',
  },
};
