import { TfElement } from './model';

/**
 * Resource types known to accept `tags`, for checks of raw JSON where the provider classes are
 * not at hand (checkApp asks the constructs instead). A resource that sets `tags` counts too.
 */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set([
  'aws_acm_certificate',
  'aws_alb',
  'aws_alb_listener',
  'aws_alb_listener_rule',
  'aws_alb_target_group',
  'aws_appautoscaling_target',
  'aws_cloudwatch_event_rule',
  'aws_cloudwatch_log_group',
  'aws_cloudwatch_metric_alarm',
  'aws_dynamodb_table',
  'aws_ecr_repository',
  'aws_ecs_cluster',
  'aws_ecs_service',
  'aws_ecs_task_definition',
  'aws_eip',
  'aws_flow_log',
  'aws_iam_openid_connect_provider',
  'aws_iam_policy',
  'aws_iam_role',
  'aws_internet_gateway',
  'aws_kms_key',
  'aws_lambda_function',
  'aws_lb',
  'aws_lb_listener',
  'aws_lb_listener_rule',
  'aws_lb_target_group',
  'aws_nat_gateway',
  'aws_network_acl',
  'aws_route53_zone',
  'aws_route_table',
  'aws_s3_bucket',
  'aws_secretsmanager_secret',
  'aws_security_group',
  'aws_sns_topic',
  'aws_sqs_queue',
  'aws_ssm_parameter',
  'aws_subnet',
  'aws_vpc',
  'aws_vpc_endpoint',
  'aws_vpc_security_group_egress_rule',
  'aws_vpc_security_group_ingress_rule',
]);

/** Taggability judged from the JSON alone. */
export function taggableFromJson(el: TfElement): boolean {
  return el.kind === 'resource' && ('tags' in el.body || TAGGABLE_TYPES.has(el.type));
}
