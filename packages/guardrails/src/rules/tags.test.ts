import { standardTags, StandardTagsAspect } from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { check, findings, PROD, testStack } from '../testing/fixtures';

function bareStack() {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'bare');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  return { app, stack };
}

describe('AM-TAG-1', () => {
  test("the provider's default_tags satisfy it", () => {
    const { app, stack } = testStack();
    new CloudwatchLogGroup(stack, 'g', { name: 'g', retentionInDays: 7 });
    expect(findings(check(app), 'AM-TAG-1')).toHaveLength(0);
  });

  test("core's StandardTagsAspect satisfies it (aspects run before the check)", () => {
    const { app, stack } = bareStack();
    new CloudwatchLogGroup(stack, 'g', { name: 'g', retentionInDays: 7 });
    Aspects.of(stack).add(new StandardTagsAspect(standardTags('dev')));
    expect(findings(check(app), 'AM-TAG-1')).toHaveLength(0);
  });

  test('a taggable resource without the tags is caught; an untaggable one is not', () => {
    const { app, stack } = bareStack();
    new CloudwatchLogGroup(stack, 'g', {
      name: 'g',
      retentionInDays: 7,
      tags: { Project: 'automock' },
    });
    new IamRolePolicyAttachment(stack, 'a', {
      role: 'r',
      policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    const f = findings(check(app), 'AM-TAG-1');
    expect(f.map((x) => x.address)).toEqual(['aws_cloudwatch_log_group.g']);
    expect(f[0]!.message).toBe(
      'is missing tags Environment, ManagedBy, automock:env, automock:project',
    );
  });

  test('automock:env naming another environment is caught (teardown selects on it)', () => {
    const { app, stack } = testStack();
    new CloudwatchLogGroup(stack, 'g', { name: 'g', retentionInDays: 7 });
    expect(findings(check(app, PROD), 'AM-TAG-1')[0]!.message).toMatch(
      /automock:env is "dev" in environment "prod"/,
    );
  });
});
