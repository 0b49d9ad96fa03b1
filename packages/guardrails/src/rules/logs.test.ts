import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { check, findings, testStack } from '../testing/fixtures';

describe('AM-LOG-1', () => {
  test('a log group with a retention passes', () => {
    const { app, stack } = testStack();
    new CloudwatchLogGroup(stack, 'g', { name: '/automock/dev', retentionInDays: 14 });
    expect(findings(check(app), 'AM-LOG-1')).toHaveLength(0);
  });

  test('a log group that keeps logs forever is caught', () => {
    const { app, stack } = testStack();
    new CloudwatchLogGroup(stack, 'g', { name: '/automock/dev' });
    const f = findings(check(app), 'AM-LOG-1');
    expect(f).toHaveLength(1);
    expect(f[0]!.address).toBe('aws_cloudwatch_log_group.g');
  });
});
