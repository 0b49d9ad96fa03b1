import { Lb } from '@cdktf/provider-aws/lib/lb';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { checkElbName, IssueCollector } from '@automock/core';
import { TerraformMetaArguments, Token } from 'cdktf';
import { Construct } from 'constructs';

/** What every internet-facing ALB of this package is built from. */
export interface InternetAlbProps extends TerraformMetaArguments {
  /** ALB name, at most 32 characters. */
  readonly name: string;
  readonly securityGroupName: string;
  readonly vpcId: string;
  /** CIDR of the VPC: the only place the ALB sends traffic. */
  readonly vpcCidr: string;
  /** Public subnets in at least two AZs. */
  readonly publicSubnetIds: string[];
  /** Deletion protection. @default false */
  readonly deletionProtection?: boolean;
  /** Idle connection timeout, seconds. @default 60 */
  readonly idleTimeoutSeconds?: number;
  /**
   * Access logs to an S3 bucket whose policy lets ELB write (an `AccessLogBucket`), under
   * `<prefix>/AWSLogs/<account>/`. @default - off
   */
  readonly accessLogs?: { readonly bucket: string; readonly prefix: string };
}

/** Checks what {@link createInternetAlb} is given; the owner's constructor calls it before any child. */
export function checkInternetAlb(
  issues: IssueCollector,
  owner: string,
  props: InternetAlbProps,
): void {
  checkElbName(issues, `${owner}.name`, props.name, 'load balancer');
  if (props.accessLogs && /(^|\/)AWSLogs(\/|$)/.test(props.accessLogs.prefix))
    issues.add(
      `${owner}.accessLogs.prefix`,
      props.accessLogs.prefix,
      'must not contain AWSLogs (ELB adds it)',
    );
  if (!Token.isUnresolved(props.publicSubnetIds) && props.publicSubnetIds.length < 2)
    issues.add(
      `${owner}.publicSubnetIds`,
      props.publicSubnetIds,
      'must list subnets in at least 2 AZs (an ALB needs them)',
    );
}

/**
 * Creates, directly in `scope` (so construct ids, and with them Terraform addresses, stay those
 * of the calling construct), the hardened part shared by SharedAlb and DedicatedAlb: a security
 * group admitting the internet on the listener ports only and sending only into the VPC, and an
 * ALB that drops invalid header fields. The caller has checked `props` ({@link checkInternetAlb}).
 */
export function createInternetAlb(
  scope: Construct,
  props: InternetAlbProps,
  listenerPorts: readonly number[],
  sgDescription: string,
): { securityGroup: SecurityGroup; alb: Lb } {
  const meta = { provider: props.provider, dependsOn: props.dependsOn };

  const securityGroup = new SecurityGroup(scope, 'SecurityGroup', {
    ...meta,
    name: props.securityGroupName,
    description: sgDescription,
    vpcId: props.vpcId,
    lifecycle: { createBeforeDestroy: true },
  });
  for (const port of listenerPorts) {
    new VpcSecurityGroupIngressRule(scope, `Ingress${port}`, {
      ...meta,
      securityGroupId: securityGroup.id,
      description: `Listener ${port} from the internet`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      cidrIpv4: '0.0.0.0/0',
    });
  }
  new VpcSecurityGroupEgressRule(scope, 'EgressVpc', {
    ...meta,
    securityGroupId: securityGroup.id,
    description: 'To targets and health checks inside the VPC',
    ipProtocol: 'tcp',
    fromPort: 0,
    toPort: 65535,
    cidrIpv4: props.vpcCidr,
  });

  const alb = new Lb(scope, 'Resource', {
    ...meta,
    name: props.name,
    loadBalancerType: 'application',
    internal: false,
    subnets: props.publicSubnetIds,
    securityGroups: [securityGroup.id],
    dropInvalidHeaderFields: true,
    enableDeletionProtection: props.deletionProtection ?? false,
    idleTimeout: props.idleTimeoutSeconds ?? 60,
    ...(props.accessLogs
      ? {
          accessLogs: {
            bucket: props.accessLogs.bucket,
            prefix: props.accessLogs.prefix,
            enabled: true,
          },
        }
      : {}),
  });
  return { securityGroup, alb };
}
