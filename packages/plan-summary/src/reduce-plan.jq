# Keeps only what parsePlanJson, parseDrift and planCostChange read from `terraform show -json
# <planfile>`. The full document holds every attribute value in clear text, sensitive ones
# included, so it never leaves the runner: this reduced form is what the plan and drift jobs
# upload. The cost estimate needs a few values of the resource types it prices (task sizes and
# counts, load balancer and endpoint shapes, billing modes), the references between a service,
# its task definition and its scaling target, and the AWS provider's region: those are kept, by
# name, and nothing else of any resource.
def priced_types:
  [
    "aws_ecs_task_definition", "aws_ecs_service", "aws_appautoscaling_target", "aws_lb",
    "aws_alb", "aws_nat_gateway", "aws_eip", "aws_vpc_endpoint", "aws_cloudwatch_log_group",
    "aws_s3_bucket", "aws_secretsmanager_secret", "aws_kms_key", "aws_dynamodb_table"
  ];
def priced_values($type):
  if . == null then null
  elif $type == "aws_ecs_task_definition" then { cpu, memory, arn }
  elif $type == "aws_ecs_service" then
    {
      name, desired_count, task_definition,
      capacity_provider_strategy: [(.capacity_provider_strategy // [])[] | { capacity_provider, weight }],
      network_configuration: [(.network_configuration // [])[] | { assign_public_ip }],
      load_balancer: [(.load_balancer // [])[] | { container_port }]
    }
  elif $type == "aws_appautoscaling_target" then { min_capacity, max_capacity, resource_id }
  elif $type == "aws_lb" or $type == "aws_alb" then
    { load_balancer_type, internal, subnets, subnet_mapping: [(.subnet_mapping // [])[] | { subnet_id }] }
  elif $type == "aws_vpc_endpoint" then { vpc_endpoint_type, subnet_ids }
  elif $type == "aws_dynamodb_table" then { billing_mode }
  else {} end;
{
  format_version,
  terraform_version,
  errored,
  resource_changes: [
    (.resource_changes // [])[]
    | .type as $type
    | { address, mode, type, action_reason, change: { actions: .change.actions } }
      + (if .mode == "managed" and (priced_types | index([$type])) != null
         then { priced: { before: (.change.before | priced_values($type)),
                          after: (.change.after | priced_values($type)) } }
         else {} end)
  ],
  resource_drift: [
    (.resource_drift // [])[]
    | { address, mode, type, previous_address, change: { actions: .change.actions } }
  ],
  output_changes: ((.output_changes // {}) | map_values({ actions })),
  pricing: {
    region: ([(.configuration.provider_config // {})[] | select(.name == "aws" and (.alias // null) == null)
              | .expressions.region.constant_value | strings][0]),
    references: [
      (.configuration.root_module.resources // [])[]
      | select(.mode == "managed" and (.type == "aws_ecs_service" or .type == "aws_appautoscaling_target"))
      | { address,
          task_definition: (.expressions.task_definition.references // []),
          resource_id: (.expressions.resource_id.references // []) }
    ]
  }
}
