import { checkElbName, IssueCollector } from '@automock/core';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Seconds the ALB waits for in-flight requests before removing a task: long enough for a mocked
 * response, short enough that a rolling deployment or scale-in is not held up.
 */
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
  /** Seconds a check may take (less than the interval). @default 5 */
  readonly healthCheckTimeoutSeconds?: number;
  /** Successes that make a target healthy. @default 2 */
  readonly healthyThreshold?: number;
  /** Failures that make a target unhealthy. @default 3 */
  readonly unhealthyThreshold?: number;
  /** Seconds a deregistered target drains. @default DEREGISTRATION_DELAY_SECONDS */
  readonly deregistrationDelaySeconds?: number;
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
    const issues = new IssueCollector();
    checkElbName(issues, 'ServiceTargetGroup.name', props.name, 'target group');
    if (!Number.isInteger(props.port) || props.port < 1 || props.port > 65535)
      issues.add('ServiceTargetGroup.port', props.port, 'must be a whole number from 1 to 65535');
    if (!props.healthCheckPath.startsWith('/'))
      issues.add('ServiceTargetGroup.healthCheckPath', props.healthCheckPath, 'must start with /');
    issues.throwIfAny('ServiceTargetGroup');
    this.port = props.port;
    this.targetGroup = new LbTargetGroup(this, 'Resource', {
      provider: props.provider,
      dependsOn: props.dependsOn,
      name: props.name,
      vpcId: props.vpcId,
      port: props.port,
      protocol: 'HTTP',
      targetType: 'ip',
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? DEREGISTRATION_DELAY_SECONDS),
      healthCheck: {
        enabled: true,
        path: props.healthCheckPath,
        protocol: 'HTTP',
        port: 'traffic-port',
        matcher: props.healthyCodes ?? '200',
        interval: props.healthCheckIntervalSeconds ?? 30,
        timeout: props.healthCheckTimeoutSeconds ?? 5,
        healthyThreshold: props.healthyThreshold ?? 2,
        unhealthyThreshold: props.unhealthyThreshold ?? 3,
      },
    });
    this.targetGroupArn = this.targetGroup.arn;
    this.arnSuffix = this.targetGroup.arnSuffix;
  }
}
