import type {} from 'cdktf/lib/testing/adapters/jest';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { Testing } from 'cdktf';
import { buildApp } from './app';
import { AutomockStack } from './automock-stack';
import { ENV_OUTPUT } from '@automock/core';

function envJson(name: string) {
  const stack = AutomockStack.all(buildApp({ declaredProjects: false })).find(
    (s) => s.info.name === name,
  )!;
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw) };
}

describe('environment stack: TTL reaper', () => {
  it('dev: reaper Lambda every 15 minutes, warning to the environment topic, registry of this account', () => {
    const { raw, json } = envJson('dev');
    expect(raw).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'automock-dev-reaper',
      runtime: 'nodejs22.x',
    });
    expect(raw).toHaveResourceWithProperties(CloudwatchEventRule, {
      schedule_expression: 'rate(15 minutes)',
    });
    const fn = Object.values(json.resource.aws_lambda_function)[0] as any;
    expect(fn.environment.variables).toMatchObject({
      AUTOMOCK_ENV: 'dev',
      REGISTRY_TABLE: 'automock-deployments',
      LOCK_TABLE: 'automock-terraform-locks',
      TOPIC_ARN: expect.stringMatching(/aws_sns_topic\.notifications.*\.arn/),
      DESTROYER_PUBLIC_IP: 'true',
    });
    // Public placement: the destroyer gets public subnets and a public IP for egress.
    expect(fn.environment.variables.DESTROYER_SUBNETS).toMatch(/public/i);
    for (const name of [
      ENV_OUTPUT.reaperFunctionName,
      ENV_OUTPUT.reaperDeadLetterQueueUrl,
      ENV_OUTPUT.destroyerTaskDefinitionFamily,
    ])
      expect(json.output[name]).toBeDefined();
  });

  it('staging: private placement runs the destroyer in private subnets behind the NAT', () => {
    const { json } = envJson('staging');
    const fn = Object.values(json.resource.aws_lambda_function)[0] as any;
    expect(fn.environment.variables.DESTROYER_PUBLIC_IP).toBe('false');
    expect(fn.environment.variables.DESTROYER_SUBNETS).toMatch(/private/i);
  });
});
