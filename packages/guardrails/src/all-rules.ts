import { PolicyRule } from './rule';
import {
  DYNAMODB_RULES,
  ECR_RULES,
  ECS_RULES,
  ELB_RULES,
  IAM_RULES,
  LAMBDA_RULES,
  LOG_RULES,
  S3_RULES,
  SECRETS_MANAGER_RULES,
  SECURITY_GROUP_RULES,
  SNS_RULES,
  SQS_RULES,
  STATE_RULES,
  TAG_RULES,
  TASK_RULES,
  VPC_RULES,
  // ---- database tier (issue 14 A)
  RDS_RULES,
  COGNITO_RULES,
  // ---- issue 14 M: mail and the HTTP API
  SES_RULES,
  EFS_RULES,
  APIGATEWAY_RULES,
} from './rules/index';

/** Every rule of the pack, in the order reports and the README list them. */
export const RULES: readonly PolicyRule[] = [
  ...S3_RULES,
  ...DYNAMODB_RULES,
  ...SECURITY_GROUP_RULES,
  ...ECS_RULES,
  ...ECR_RULES,
  ...LOG_RULES,
  ...ELB_RULES,
  ...IAM_RULES,
  ...LAMBDA_RULES,
  ...SNS_RULES,
  // issue 13 D1: queues and secrets of workloads
  ...SQS_RULES,
  ...SECRETS_MANAGER_RULES,
  ...VPC_RULES,
  ...STATE_RULES,
  ...TAG_RULES,
  ...TASK_RULES,
  // ---- database tier (issue 14 A)
  ...RDS_RULES,
  // issue 14: identity (Cognito)
  ...COGNITO_RULES,
  // issue 14 M: mail (SES)
  ...SES_RULES,
  // issue 14: files (EFS)
  ...EFS_RULES,
  // issue 14: the HTTP API (API Gateway)
  ...APIGATEWAY_RULES,
];

/** Checks about the suppressions themselves; they cannot be suppressed. */
export const SUPPRESSION_RULES = [
  {
    id: 'AM-SUP-1',
    meaning: 'Every suppression gives a reason (at least 10 characters)',
    level: 'error',
    productionLevel: 'error',
  },
  {
    id: 'AM-SUP-2',
    meaning: 'Every suppression names a rule id of this pack',
    level: 'error',
    productionLevel: 'error',
  },
  {
    id: 'AM-SUP-3',
    meaning: 'Every suppression matches a finding (remove stale ones)',
    level: 'warning',
    productionLevel: 'warning',
  },
] as const;

/** The rule with this id. */
export function ruleById(id: string): PolicyRule | undefined {
  return RULES.find((r) => r.id === id);
}
