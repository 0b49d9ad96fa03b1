import { classify, type SweepKind } from '@automock/teardown';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { synthesizeApp } from './synthesize-app';
import { readStacks } from './testing/ci-requests';

// Issue 14: every capability a workload (or a project) gets must be removable by the sweep when
// it is ephemeral. This table says, for every resource type the default app's project and
// workload stacks create, what the sweep does with it: deletes it as a kind of its own (the
// example ARN, in the format the Tagging API returns, must classify as that kind), deletes it
// with the resource it belongs to, or leaves it (and why). A new type fails here until the table
// says which, so a new section cannot forget its teardown.
const R = 'us-east-1';
const A = '123456789012';
const arn = (svc: string, rest: string) => `arn:aws:${svc}:${R}:${A}:${rest}`;
const ec2 = (rest: string) => arn('ec2', rest);
const elb = (rest: string) => arn('elasticloadbalancing', rest);
const apigw = (rest: string) => `arn:aws:apigateway:${R}::/${rest}`;

type Coverage =
  | { readonly kind: SweepKind; readonly arn: string }
  | { readonly kind: 'iam-role'; readonly byName: true }
  | { readonly with: string }
  | { readonly left: string };

const SWEEP_COVERAGE: Readonly<Record<string, Coverage>> = {
  aws_apigatewayv2_api: { kind: 'apigw-api', arn: apigw('apis/a1b2c3d4e5') },
  aws_apigatewayv2_vpc_link: { kind: 'apigw-vpc-link', arn: apigw('vpclinks/vl0abc1') },
  aws_apigatewayv2_domain_name: {
    kind: 'apigw-domain-name',
    arn: apigw('domainnames/api.example.com'),
  },
  aws_apigatewayv2_stage: { with: 'its API' },
  aws_apigatewayv2_route: { with: 'its API' },
  aws_apigatewayv2_integration: { with: 'its API' },
  aws_apigatewayv2_authorizer: { with: 'its API' },
  aws_apigatewayv2_api_mapping: { with: 'its custom domain name (deleted first)' },
  aws_appautoscaling_target: {
    kind: 'scalable-target',
    arn: arn('application-autoscaling', 'scalable-target/0123456789abcdef'),
  },
  aws_appautoscaling_policy: { with: 'its scalable target (deregistering deletes it)' },
  aws_appautoscaling_scheduled_action: { with: 'its scalable target (deregistering deletes it)' },
  aws_cloudwatch_event_rule: { kind: 'event-rule', arn: arn('events', 'rule/automock-dev-x') },
  aws_cloudwatch_event_target: { with: 'its rule (removed first)' },
  aws_cloudwatch_log_group: {
    kind: 'log-group',
    arn: arn('logs', 'log-group:/automock/dev/x'),
  },
  aws_cloudwatch_metric_alarm: { kind: 'alarm', arn: arn('cloudwatch', 'alarm:automock-dev-x') },
  aws_cloudwatch_dashboard: { left: 'not handled by the sweep; terraform destroy removes it' },
  aws_cloudwatch_query_definition: {
    left: 'saved queries take no tags, so the Tagging API never lists them',
  },
  aws_cognito_user_pool: {
    kind: 'cognito-user-pool',
    arn: arn('cognito-idp', `userpool/${R}_AbC123xyz`),
  },
  aws_cognito_user_pool_domain: { with: 'its pool (deleted first)' },
  aws_cognito_user_pool_client: { with: 'its pool' },
  aws_cognito_user_group: { with: 'its pool' },
  aws_db_instance: { kind: 'rds-instance', arn: arn('rds', 'db:automock-dev-x') },
  aws_db_parameter_group: {
    kind: 'rds-parameter-group',
    arn: arn('rds', 'pg:automock-dev-x-postgres'),
  },
  aws_dynamodb_table: { kind: 'dynamodb-table', arn: arn('dynamodb', 'table/automock-dev-x') },
  aws_ecr_repository: { kind: 'ecr-repository', arn: arn('ecr', 'repository/automock-dev-x') },
  aws_ecr_lifecycle_policy: { with: 'its repository' },
  aws_ecs_cluster: { kind: 'ecs-cluster', arn: arn('ecs', 'cluster/automock-dev-x') },
  aws_ecs_service: {
    kind: 'ecs-service',
    arn: arn('ecs', 'service/automock-dev/automock-dev-x-web'),
  },
  aws_ecs_task_definition: {
    kind: 'ecs-task-definition',
    arn: arn('ecs', 'task-definition/automock-dev-x-web:1'),
  },
  aws_efs_file_system: {
    kind: 'efs-file-system',
    arn: arn('elasticfilesystem', 'file-system/fs-0123456789abcdef0'),
  },
  aws_efs_access_point: {
    kind: 'efs-access-point',
    arn: arn('elasticfilesystem', 'access-point/fsap-0123456789abcdef0'),
  },
  aws_efs_mount_target: { with: 'its file system (deleted first)' },
  aws_eip: { kind: 'elastic-ip', arn: ec2('elastic-ip/eipalloc-0123') },
  aws_internet_gateway: { kind: 'internet-gateway', arn: ec2('internet-gateway/igw-0123') },
  aws_nat_gateway: { kind: 'nat-gateway', arn: ec2('natgateway/nat-0123') },
  aws_route_table: { kind: 'route-table', arn: ec2('route-table/rtb-0123') },
  aws_route: { with: 'its route table' },
  aws_route_table_association: { with: 'its route table' },
  aws_subnet: { kind: 'subnet', arn: ec2('subnet/subnet-0123') },
  aws_vpc: { kind: 'vpc', arn: ec2('vpc/vpc-0123') },
  aws_default_security_group: { with: 'its VPC' },
  aws_flow_log: { left: 'not handled by the sweep; terraform destroy removes it' },
  aws_vpc_endpoint: { kind: 'vpc-endpoint', arn: ec2('vpc-endpoint/vpce-0123') },
  aws_security_group: { kind: 'security-group', arn: ec2('security-group/sg-0123') },
  aws_vpc_security_group_ingress_rule: {
    kind: 'security-group-rule',
    arn: ec2('security-group-rule/sgr-0123'),
  },
  aws_vpc_security_group_egress_rule: {
    kind: 'security-group-rule',
    arn: ec2('security-group-rule/sgr-0456'),
  },
  aws_iam_role: { kind: 'iam-role', byName: true },
  aws_iam_role_policy: { with: 'its role (deleted first)' },
  aws_kms_key: {
    kind: 'kms-key',
    arn: arn('kms', 'key/1234abcd-12ab-34cd-56ef-1234567890ab'),
  },
  aws_lb: { kind: 'load-balancer', arn: elb('loadbalancer/app/automock-dev-x/0123') },
  aws_lb_listener: { kind: 'listener', arn: elb('listener/app/automock-dev-x/0123/4567') },
  aws_lb_listener_rule: {
    kind: 'listener-rule',
    arn: elb('listener-rule/app/automock-dev-x/0123/4567/89ab'),
  },
  aws_lb_target_group: { kind: 'target-group', arn: elb('targetgroup/automock-dev-x/0123') },
  aws_s3_bucket: { kind: 's3-bucket', arn: 'arn:aws:s3:::automock-dev-x-config' },
  aws_s3_bucket_cors_configuration: { with: 'its bucket' },
  aws_s3_bucket_lifecycle_configuration: { with: 'its bucket' },
  aws_s3_bucket_ownership_controls: { with: 'its bucket' },
  aws_s3_bucket_policy: { with: 'its bucket' },
  aws_s3_bucket_public_access_block: { with: 'its bucket' },
  aws_s3_bucket_server_side_encryption_configuration: { with: 'its bucket' },
  aws_s3_bucket_versioning: { with: 'its bucket' },
  aws_s3_object: { with: 'its bucket (emptied first)' },
  aws_s3_object_copy: { with: 'its bucket (emptied first)' },
  aws_scheduler_schedule_group: {
    kind: 'scheduler-schedule-group',
    arn: arn('scheduler', 'schedule-group/automock-dev-x'),
  },
  aws_scheduler_schedule: { with: 'its schedule group' },
  aws_secretsmanager_secret: {
    kind: 'secret',
    arn: arn('secretsmanager', 'secret:automock/dev/x/token-AbCdEf'),
  },
  aws_secretsmanager_secret_version: { with: 'its secret' },
  aws_service_discovery_service: {
    kind: 'cloudmap-service',
    arn: arn('servicediscovery', 'service/srv-0123456789abcdef'),
  },
  aws_sesv2_email_identity: { kind: 'ses-email-identity', arn: arn('ses', 'identity/example.com') },
  aws_sesv2_configuration_set: {
    kind: 'ses-configuration-set',
    arn: arn('ses', 'configuration-set/automock-dev-x-mail'),
  },
  aws_sns_topic: { kind: 'sns-topic', arn: arn('sns', 'automock-dev-x-events') },
  aws_sqs_queue: { kind: 'sqs-queue', arn: arn('sqs', 'automock-dev-x-jobs') },
  aws_sqs_queue_policy: { with: 'its queue' },
  // Only a database's connection parameters are AutoMock's to delete.
  aws_ssm_parameter: { kind: 'ssm-parameter', arn: arn('ssm', 'parameter/dev/x/postgres_host') },
  aws_acm_certificate: {
    left: 'certificates are not swept (free); terraform destroy removes them',
  },
  aws_acm_certificate_validation: { with: 'nothing: a Terraform wait, no AWS resource' },
  aws_route53_record: {
    left: 'Route 53 records take no tags, so the Tagging API never lists them',
  },
  terraform_data: { with: 'nothing: no AWS resource' },
};

describe('the sweep covers every resource type of the default app’s projects and workloads', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'sweep-coverage-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const { app } = synthesizeApp({ outdir });
  const types = new Set(
    readStacks(app, outdir)
      .filter((s) => s.info.kind === 'project' || s.info.kind === 'workload')
      .flatMap((s) => Object.keys(s.json.resource ?? {})),
  );

  test('each type is swept as its own kind, with the resource it belongs to, or left for a stated reason', () => {
    expect(types.size).toBeGreaterThan(50);
    expect([...types].filter((t) => !(t in SWEEP_COVERAGE)).sort()).toEqual([]);
  });

  test('each kind’s example ARN, as the Tagging API returns it, classifies as that kind', () => {
    for (const [type, c] of Object.entries(SWEEP_COVERAGE))
      if ('arn' in c) expect([type, classify(c.arn)?.kind]).toEqual([type, c.kind]);
  });
});
