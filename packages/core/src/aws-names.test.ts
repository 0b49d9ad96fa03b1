import {
  checkAccountId,
  checkBucketName,
  checkElbName,
  checkKmsKeyArn,
  checkRegion,
  checkTableName,
} from './aws-names';
import { IssueCollector } from './errors';

function problems(check: (issues: IssueCollector) => void): string[] {
  const issues = new IssueCollector();
  check(issues);
  return issues.issues.map((i) => i.rule);
}

describe('AWS name rules', () => {
  it('account ids: 12 digits as a string, never a reference', () => {
    expect(problems((i) => checkAccountId(i, 'a', '012345678901'))).toEqual([]);
    for (const bad of [12345678901, '1234', '${var.account}'])
      expect(problems((i) => checkAccountId(i, 'a', bad))).toEqual([
        'must be a 12-digit AWS account id, as a string',
      ]);
  });

  it('regions: commercial by default; another partition only when named', () => {
    expect(problems((i) => checkRegion(i, 'r', 'eu-west-1'))).toEqual([]);
    expect(problems((i) => checkRegion(i, 'r', 'us-gov-west-1'))[0]).toMatch(
      /us-gov-west-1 is in partition aws-us-gov/,
    );
    expect(problems((i) => checkRegion(i, 'r', 'us-gov-west-1', 'aws-us-gov'))).toEqual([]);
    expect(problems((i) => checkRegion(i, 'r', 'eu-west-1', 'aws-us-gov'))).toEqual([
      'must be a region of partition aws-us-gov, one of us-gov-east-1, us-gov-west-1',
    ]);
    expect(problems((i) => checkRegion(i, 'r', 'x-1', 'aws-mars'))[0]).toMatch(
      /partition aws-mars, which the AWS SDK does not list/,
    );
  });

  it('bucket names: S3 general-purpose rules; references are left to Terraform', () => {
    expect(problems((i) => checkBucketName(i, 'b', 'automock-tfstate-1-us-east-1'))).toEqual([]);
    expect(problems((i) => checkBucketName(i, 'b', '${aws_s3_bucket.x.id}'))).toEqual([]);
    expect(problems((i) => checkBucketName(i, 'b', 'Upper'))[0]).toMatch(/S3 bucket name/);
    expect(problems((i) => checkBucketName(i, 'b', 'a..b'))[0]).toMatch(/adjacent periods/);
    expect(problems((i) => checkBucketName(i, 'b', '10.0.0.1'))[0]).toMatch(/IP address/);
    expect(problems((i) => checkBucketName(i, 'b', 'xn--abc'))[0]).toMatch(/reserves/);
  });

  it('table names and KMS key ARNs', () => {
    expect(problems((i) => checkTableName(i, 't', 'automock-deployments'))).toEqual([]);
    expect(problems((i) => checkTableName(i, 't', 'ab'))[0]).toMatch(/DynamoDB table name/);
    expect(problems((i) => checkKmsKeyArn(i, 'k', undefined))).toEqual([]);
    expect(
      problems((i) => checkKmsKeyArn(i, 'k', 'arn:aws:kms:us-east-1:123456789012:key/abc')),
    ).toEqual([]);
    expect(problems((i) => checkKmsKeyArn(i, 'k', 'alias/x'))[0]).toMatch(/KMS key ARN/);
  });

  it('ELB names: 32 letters, digits and hyphens, no hyphen at either end, no internal- ALB', () => {
    expect(problems((i) => checkElbName(i, 'n', 'automock-dev-shared', 'load balancer'))).toEqual(
      [],
    );
    expect(problems((i) => checkElbName(i, 'n', 'x'.repeat(33), 'target group'))[0]).toMatch(
      /1-32 letters, digits and hyphens/,
    );
    expect(problems((i) => checkElbName(i, 'n', '-a', 'target group'))).toHaveLength(1);
    expect(problems((i) => checkElbName(i, 'n', 'a_b', 'target group'))).toHaveLength(1);
    expect(problems((i) => checkElbName(i, 'n', 'internal-x', 'load balancer'))).toEqual([
      "must not start with 'internal-' (ELB refuses it)",
    ]);
    expect(problems((i) => checkElbName(i, 'n', 'internal-x', 'target group'))).toEqual([]);
  });
});
