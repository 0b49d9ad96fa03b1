import { IssueCollector } from './errors';
import {
  checkIamPolicyArn,
  policyDocument,
  policyDocumentBlocks,
  policyJson,
  PolicyStatement,
  serviceTrustStatement,
} from './iam';

describe('policy documents', () => {
  const read: PolicyStatement = {
    Sid: 'Read',
    Effect: 'Allow',
    Action: ['s3:GetObject'],
    Resource: 'arn:aws:s3:::b/k',
  };

  it('wrap statements in a 2012-10-17 document, as IAM reads it', () => {
    expect(policyDocument([read])).toEqual({ Version: '2012-10-17', Statement: [read] });
    expect(policyJson([read])).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/k"}]}',
    );
  });

  it('write a service trust statement, with a condition only when given one', () => {
    expect(policyJson([serviceTrustStatement('ecs-tasks.amazonaws.com')])).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    );
    expect(
      serviceTrustStatement('vpc-flow-logs.amazonaws.com', {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
      }).Condition,
    ).toEqual({ StringEquals: { 'aws:SourceAccount': '111111111111' } });
  });

  it('turn into aws_iam_policy_document blocks: lists, principals by type, one condition per key', () => {
    expect(
      policyDocumentBlocks([
        serviceTrustStatement('vpc-flow-logs.amazonaws.com', {
          StringEquals: { 'aws:SourceAccount': '111111111111' },
          ArnLike: { 'aws:SourceArn': ['arn:a', 'arn:b'] },
        }),
        read,
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          NotResource: ['arn:aws:s3:::b'],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        { Effect: 'Allow', Principal: { AWS: ['arn:r'], Federated: 'arn:f' }, Action: 'x:Y' },
      ]),
    ).toEqual([
      {
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: ['111111111111'] },
          { test: 'ArnLike', variable: 'aws:SourceArn', values: ['arn:a', 'arn:b'] },
        ],
      },
      { sid: 'Read', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/k'] },
      {
        effect: 'Deny',
        actions: ['s3:*'],
        notResources: ['arn:aws:s3:::b'],
        principals: [{ type: '*', identifiers: ['*'] }],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
      {
        actions: ['x:Y'],
        principals: [
          { type: 'AWS', identifiers: ['arn:r'] },
          { type: 'Federated', identifiers: ['arn:f'] },
        ],
      },
    ]);
  });
});

describe('checkIamPolicyArn', () => {
  it('accepts a policy ARN or a token, and names the field of anything else', () => {
    const issues = new IssueCollector();
    checkIamPolicyArn(issues, 'a', 'arn:aws:iam::111111111111:policy/automock-dev-boundary');
    checkIamPolicyArn(issues, 'b', '${aws_iam_policy.x.arn}');
    checkIamPolicyArn(issues, 'c', undefined);
    checkIamPolicyArn(issues, 'd', 'arn:aws:iam::111111111111:role/x');
    expect(issues.issues.map((i) => i.field)).toEqual(['d']);
  });
});
