import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { bucket, check, findings, testStack } from '../testing/fixtures';

describe('ECR rules', () => {
  test('AM-ECR-1: a repository that does not scan on push is caught; one that does passes', () => {
    const { app, stack } = testStack();
    new EcrRepository(stack, 'off', {
      name: 'automock-dev-a',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: false },
    });
    new EcrRepository(stack, 'missing', {
      name: 'automock-dev-b',
      imageTagMutability: 'IMMUTABLE',
    });
    new EcrRepository(stack, 'on', {
      name: 'automock-dev-c',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    });
    const f = findings(check(app), 'AM-ECR-1');
    expect(f.map((x) => x.address)).toEqual([
      expect.stringMatching(/^aws_ecr_repository\.off/),
      expect.stringMatching(/^aws_ecr_repository\.missing/),
    ]);
  });

  test('AM-ECR-2: mutable tags (or the MUTABLE default) warn; IMMUTABLE passes', () => {
    const { app, stack } = testStack();
    const scan = { scanOnPush: true };
    new EcrRepository(stack, 'mutable', {
      name: 'automock-dev-a',
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: scan,
    });
    new EcrRepository(stack, 'unset', { name: 'automock-dev-b', imageScanningConfiguration: scan });
    new EcrRepository(stack, 'immutable', {
      name: 'automock-dev-c',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: scan,
    });
    const f = findings(check(app), 'AM-ECR-2');
    expect(f.map((x) => [x.severity, x.address.split('.')[1]!.split('_')[0]])).toEqual([
      ['warning', 'mutable'],
      ['warning', 'unset'],
    ]);
    expect(f[1]!.message).toMatch(/"MUTABLE"/);
  });
});

describe('AM-S3-5: public bucket policies', () => {
  const publicPolicy = (arn: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${arn}/*` },
      ],
    });

  test('a policy granting every principal is caught, and passes only with a suppression', () => {
    const { app, stack } = testStack();
    const b = bucket(stack, 'site', {});
    new S3BucketPolicy(stack, 'public', { bucket: b.id, policy: publicPolicy(b.arn) });
    expect(findings(check(app), 'AM-S3-5')[0]!.message).toMatch(
      /allows s3:GetObject to every principal/,
    );
    const { app: app2, stack: stack2 } = testStack();
    const b2 = bucket(stack2, 'site', {});
    new S3BucketPolicy(stack2, 'public', { bucket: b2.id, policy: publicPolicy(b2.arn) });
    const report = check(app2, undefined, {
      projectFor: () => ({
        name: 'shop',
        suppressions: [{ id: 'AM-S3-5', reason: 'static website assets, public by design' }],
      }),
    });
    expect(findings(report, 'AM-S3-5')).toEqual([]);
    expect(report.findings.find((f) => f.ruleId === 'AM-S3-5')!.suppressed!.reason).toMatch(
      /static website/,
    );
  });

  test('named principals, and every principal limited by a condition, pass', () => {
    const { app, stack } = testStack();
    const b = bucket(stack, 'data', {});
    new S3BucketPolicy(stack, 'named', {
      bucket: b.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::123456789012:role/r' },
            Action: 's3:GetObject',
            Resource: `${b.arn}/*`,
          },
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: `${b.arn}/*`,
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
          },
        ],
      }),
    });
    expect(findings(check(app), 'AM-S3-5')).toEqual([]);
  });
});

describe('interface endpoint security groups (AM-SG-1)', () => {
  const endpointGroup = (cidr: string) => {
    const { app, stack } = testStack();
    const sg = new SecurityGroup(stack, 'endpoints', {
      name: 'automock-dev-shop-endpoints',
      description: 'Interface VPC endpoints',
      vpcId: 'vpc-1',
    });
    new VpcSecurityGroupIngressRule(stack, 'https', {
      securityGroupId: sg.id,
      description: 'HTTPS',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: cidr,
    });
    return findings(check(app), 'AM-SG-1');
  };

  test('HTTPS from the VPC passes', () => {
    expect(endpointGroup('10.0.0.0/16')).toEqual([]);
  });

  test('HTTPS from 0.0.0.0/0 is caught', () => {
    expect(endpointGroup('0.0.0.0/0').map((f) => f.address)).toEqual([
      expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.https/),
    ]);
  });
});
