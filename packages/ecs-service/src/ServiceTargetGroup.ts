import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/** Seconds the ALB waits for in-flight requests before removing a task (seed: 30). */
export const DEREGISTRATION_DELAY_SECONDS = 30;

/** Props of {@link ServiceTargetGroup}. */
export interface ServiceTargetGroupProps extends TerraformMetaArguments {
  /** Target group name, at most 32 characters (core's `resourceName('targetGroup', ...)`). */
  readonly name: string;
  /** VPC of the tasks. */
  readonly vpcId: string;
  /** Container port traffic goes to. */
  readonly port: number;
  /** GET path for the health check; must answer 200 without side effects. */
  readonly healthCheckPath: string;
  /** HTTP codes that count as healthy. @default '200' */
  readonly healthyCodes?: string;
  /** Seconds between health checks. @default 30 */
  readonly healthCheckIntervalSeconds?: number;
}

/** An IP target group for Fargate tasks, with deregistration delay 30 s and an HTTP health check. */
export class ServiceTargetGroup extends Construct {
  readonly targetGroup: LbTargetGroup;
  readonly targetGroupArn: string;
  /** `targetgroup/<name>/<id>`, the CloudWatch dimension value. */
  readonly arnSuffix: string;
  readonly port: number;

  constructor(scope: Construct, id: string, props: ServiceTargetGroupProps) {
    super(scope, id);
    if (props.name.length > 32)
      throw new Error(
        `ServiceTargetGroup.name: got ${JSON.stringify(props.name)}, must be at most 32 characters`,
      );
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535)
      throw new Error(`ServiceTargetGroup.port: got ${props.port}, must be 1-65535`);
    if (!props.healthCheckPath.startsWith('/'))
      throw new Error(
        `ServiceTargetGroup.healthCheckPath: got ${JSON.stringify(props.healthCheckPath)}, must start with /`,
      );
    this.port = props.port;
    this.targetGroup = new LbTargetGroup(this, 'Resource', {
      provider: props.provider,
      dependsOn: props.dependsOn,
      name: props.name,
      vpcId: props.vpcId,
      port: props.port,
      protocol: 'HTTP',
      targetType: 'ip',
      deregistrationDelay: String(DEREGISTRATION_DELAY_SECONDS),
      healthCheck: {
        enabled: true,
        path: props.healthCheckPath,
        protocol: 'HTTP',
        port: 'traffic-port',
        matcher: props.healthyCodes ?? '200',
        interval: props.healthCheckIntervalSeconds ?? 30,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    this.targetGroupArn = this.targetGroup.arn;
    this.arnSuffix = this.targetGroup.arnSuffix;
  }
}
