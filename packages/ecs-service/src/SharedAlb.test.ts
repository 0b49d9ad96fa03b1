import type {} from 'cdktf/lib/testing/adapters/jest';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { Testing } from 'cdktf';
import { SharedAlb, SharedAlbProps, TLS_POLICY } from './SharedAlb';
import { resources, testStack } from './testing/fixtures';

function synth(over: Partial<SharedAlbProps> = {}) {
  const stack = testStack();
  new SharedAlb(stack, 'Alb', {
    name: 'automock-dev-shared',
    securityGroupName: 'automock-dev-shared-alb',
    vpcId: 'vpc-1',
    vpcCidr: '10.0.0.0/16',
    publicSubnetIds: ['subnet-a', 'subnet-b'],
    ...over,
  });
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw) };
}

describe('SharedAlb', () => {
  it('is internet-facing in public subnets, drops invalid headers', () => {
    const { raw } = synth();
    expect(raw).toHaveResourceWithProperties(Lb, {
      name: 'automock-dev-shared',
      internal: false,
      subnets: ['subnet-a', 'subnet-b'],
      drop_invalid_header_fields: true,
      enable_deletion_protection: false,
    });
  });

  it('without a domain: HTTP only, 404 by default, only port 80 open to the internet', () => {
    const { raw, json } = synth();
    expect(raw).toHaveResourceWithProperties(LbListener, {
      port: 80,
      default_action: [
        expect.objectContaining({
          type: 'fixed-response',
          fixed_response: expect.objectContaining({ status_code: '404' }),
        }),
      ],
    });
    const ingress = Object.values(resources(json, 'aws_vpc_security_group_ingress_rule')) as any[];
    expect(ingress.map((r) => [r.from_port, r.to_port, r.cidr_ipv4])).toEqual([
      [80, 80, '0.0.0.0/0'],
    ]);
    const egress = Object.values(resources(json, 'aws_vpc_security_group_egress_rule')) as any[];
    expect(egress.map((r) => r.cidr_ipv4)).toEqual(['10.0.0.0/16']);
    expect(Object.keys(resources(json, 'aws_acm_certificate'))).toHaveLength(0);
  });

  it('with a domain: wildcard certificate, TLS 1.3 HTTPS listener answering 404, HTTP redirect, 80/443 open', () => {
    const { raw, json } = synth({
      domain: { name: 'mocks.example.com', hostedZoneId: 'Z123' },
      deletionProtection: true,
    });
    expect(raw).toHaveResourceWithProperties(AcmCertificate, {
      domain_name: '*.mocks.example.com',
      validation_method: 'DNS',
    });
    expect(raw).toHaveResourceWithProperties(LbListener, {
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: TLS_POLICY,
      default_action: [expect.objectContaining({ type: 'fixed-response' })],
    });
    expect(raw).toHaveResourceWithProperties(LbListener, {
      port: 80,
      default_action: [expect.objectContaining({ type: 'redirect' })],
    });
    expect(raw).toHaveResourceWithProperties(Lb, { enable_deletion_protection: true });
    const ingress = Object.values(resources(json, 'aws_vpc_security_group_ingress_rule')) as any[];
    expect(ingress.map((r) => r.from_port).sort()).toEqual([443, 80]);
  });

  it('rejects a name longer than 32 characters and a single subnet', () => {
    expect(() => synth({ name: 'x'.repeat(33) })).toThrow(/SharedAlb\.name/);
    expect(() => synth({ publicSubnetIds: ['a'] })).toThrow(/SharedAlb\.publicSubnetIds/);
  });
});
