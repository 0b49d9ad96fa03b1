import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformStack } from 'cdktf';
import { check, findings, testStack } from '../testing/fixtures';

function albWithListeners(stack: TerraformStack, sg: SecurityGroup, ports: number[]) {
  const lb = new Lb(stack, 'alb', {
    name: 'automock-dev',
    securityGroups: [sg.id],
    subnets: ['subnet-1', 'subnet-2'],
    dropInvalidHeaderFields: true,
  });
  for (const port of ports) {
    new LbListener(stack, `l${port}`, {
      loadBalancerArn: lb.arn,
      port,
      protocol: 'HTTP',
      defaultAction: [
        { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '404' } },
      ],
    });
  }
  return lb;
}

const group = (
  stack: TerraformStack,
  id = 'alb-sg',
  description = 'Load balancer: HTTP from anywhere',
) => new SecurityGroup(stack, id, { name: id, description, vpcId: 'vpc-1' });

describe('AM-SG-1: open ingress only on listener ports of a load balancer', () => {
  test('all three rule styles pass on a listener port of the ALB the group is attached to', () => {
    const { app, stack } = testStack();
    const sg = new SecurityGroup(stack, 'alb-sg', {
      description: 'ALB',
      ingress: [
        {
          description: 'HTTP',
          fromPort: 80,
          toPort: 80,
          protocol: 'tcp',
          cidrBlocks: ['0.0.0.0/0'],
        },
      ],
    });
    albWithListeners(stack, sg, [80, 443, 8080]);
    new SecurityGroupRule(stack, 'https', {
      type: 'ingress',
      securityGroupId: sg.id,
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      ipv6CidrBlocks: ['::/0'],
      description: 'HTTPS over IPv6',
    });
    new VpcSecurityGroupIngressRule(stack, 'alt', {
      securityGroupId: sg.id,
      ipProtocol: 'tcp',
      fromPort: 8080,
      toPort: 8080,
      cidrIpv4: '0.0.0.0/0',
      description: 'Alternate port',
    });
    expect(findings(check(app), 'AM-SG-1')).toHaveLength(0);
  });

  test('inline ingress on a non-listener port is caught', () => {
    const { app, stack } = testStack();
    const sg = new SecurityGroup(stack, 'alb-sg', {
      description: 'ALB',
      ingress: [
        {
          description: 'SSH',
          fromPort: 22,
          toPort: 22,
          protocol: 'tcp',
          cidrBlocks: ['0.0.0.0/0'],
        },
      ],
    });
    albWithListeners(stack, sg, [80]);
    expect(findings(check(app), 'AM-SG-1')[0]!.message).toMatch(/port 22/);
  });

  test('aws_security_group_rule open to ::/0 on a group with no load balancer is caught', () => {
    const { app, stack } = testStack();
    const sg = group(stack, 'task-sg', 'Tasks');
    new SecurityGroupRule(stack, 'open', {
      type: 'ingress',
      securityGroupId: sg.id,
      protocol: 'tcp',
      fromPort: 1080,
      toPort: 1080,
      ipv6CidrBlocks: ['::/0'],
      description: 'MockServer',
    });
    const f = findings(check(app), 'AM-SG-1');
    expect(f.map((x) => x.address)).toEqual(['aws_security_group_rule.open']);
    expect(f[0]!.message).toMatch(/not attached to a load balancer/);
  });

  test('aws_vpc_security_group_ingress_rule for all protocols is caught even on an ALB', () => {
    const { app, stack } = testStack();
    const sg = group(stack);
    albWithListeners(stack, sg, [80]);
    new VpcSecurityGroupIngressRule(stack, 'all', {
      securityGroupId: sg.id,
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
      description: 'everything',
    });
    expect(findings(check(app), 'AM-SG-1')[0]!.message).toMatch(/port 0|all protocols/);
  });

  test('a port range wider than the listener ports is caught', () => {
    const { app, stack } = testStack();
    const sg = group(stack);
    albWithListeners(stack, sg, [80, 443]);
    new VpcSecurityGroupIngressRule(stack, 'range', {
      securityGroupId: sg.id,
      ipProtocol: 'tcp',
      fromPort: 80,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
      description: 'range',
    });
    expect(findings(check(app), 'AM-SG-1')[0]!.message).toMatch(/port 81/);
  });

  test('ingress from a private range is not judged', () => {
    const { app, stack } = testStack();
    const sg = group(stack, 'task-sg', 'Tasks');
    new VpcSecurityGroupIngressRule(stack, 'vpc', {
      securityGroupId: sg.id,
      ipProtocol: 'tcp',
      fromPort: 1080,
      toPort: 1080,
      cidrIpv4: '10.0.0.0/16',
      description: 'VPC',
    });
    expect(findings(check(app), 'AM-SG-1')).toHaveLength(0);
  });

  test('a group outside the stack cannot be shown to be a load balancer and is caught', () => {
    const { app, stack } = testStack();
    new VpcSecurityGroupIngressRule(stack, 'remote', {
      securityGroupId: '${data.terraform_remote_state.env.outputs.alb_sg}',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
      description: 'HTTPS',
    });
    expect(findings(check(app), 'AM-SG-1')[0]!.message).toMatch(/not in this stack/);
  });

  test("a project's port on its environment's shared ALB (both from the same remote state) passes on the listener port only", () => {
    const { app, stack } = testStack();
    const remote = (o: string) => `\${data.terraform_remote_state.env.outputs.${o}}`;
    new LbListener(stack, 'l', {
      loadBalancerArn: remote('alb_arn'),
      port: 10080,
      protocol: 'HTTP',
      defaultAction: [
        { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '404' } },
      ],
    });
    for (const port of [10080, 10081]) {
      new VpcSecurityGroupIngressRule(stack, `p${port}`, {
        securityGroupId: remote('alb_sg'),
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
        description: 'listener',
      });
    }
    const f = findings(check(app), 'AM-SG-1');
    expect(f.map((x) => x.address)).toEqual(['aws_vpc_security_group_ingress_rule.p10081']);
    expect(f[0]!.message).toMatch(/port 10081, which is not a listener port/);
  });

  test('a listener on a load balancer from another remote state does not vouch for the group', () => {
    const { app, stack } = testStack();
    new LbListener(stack, 'l', {
      loadBalancerArn: '${data.terraform_remote_state.other.outputs.alb_arn}',
      port: 443,
      protocol: 'HTTP',
      defaultAction: [
        { type: 'fixed-response', fixedResponse: { contentType: 'text/plain', statusCode: '404' } },
      ],
    });
    new VpcSecurityGroupIngressRule(stack, 'r', {
      securityGroupId: '${data.terraform_remote_state.env.outputs.alb_sg}',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
      description: 'HTTPS',
    });
    expect(findings(check(app), 'AM-SG-1')).toHaveLength(1);
  });
});

describe('AM-SG-2: descriptions', () => {
  test('described groups and rules pass', () => {
    const { app, stack } = testStack();
    const sg = new SecurityGroup(stack, 'sg', {
      description: 'Tasks',
      egress: [
        {
          description: 'All out',
          fromPort: 0,
          toPort: 0,
          protocol: '-1',
          cidrBlocks: ['0.0.0.0/0'],
        },
      ],
    });
    new VpcSecurityGroupEgressRule(stack, 'e', {
      securityGroupId: sg.id,
      ipProtocol: '-1',
      cidrIpv4: '10.0.0.0/8',
      description: 'VPC',
    });
    expect(findings(check(app), 'AM-SG-2')).toHaveLength(0);
  });

  test('a group, an inline block and each rule style without description are caught', () => {
    const { app, stack } = testStack();
    const sg = new SecurityGroup(stack, 'sg', {
      egress: [{ fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['10.0.0.0/8'] }],
    });
    new SecurityGroupRule(stack, 'r1', {
      type: 'egress',
      securityGroupId: sg.id,
      protocol: '-1',
      fromPort: 0,
      toPort: 0,
      cidrBlocks: ['10.0.0.0/8'],
    });
    new VpcSecurityGroupIngressRule(stack, 'r2', {
      securityGroupId: sg.id,
      ipProtocol: 'tcp',
      fromPort: 80,
      toPort: 80,
      cidrIpv4: '10.0.0.0/8',
    });
    new VpcSecurityGroupEgressRule(stack, 'r3', {
      securityGroupId: sg.id,
      ipProtocol: '-1',
      cidrIpv4: '10.0.0.0/8',
      description: '',
    });
    const messages = findings(check(app), 'AM-SG-2').map((f) => `${f.address}: ${f.message}`);
    expect(messages).toEqual([
      'aws_security_group.sg: group has no description',
      'aws_security_group.sg: inline egress #0 has no description',
      'aws_security_group_rule.r1: rule has no description',
      'aws_vpc_security_group_ingress_rule.r2: rule has no description',
      'aws_vpc_security_group_egress_rule.r3: rule has no description',
    ]);
  });
});
