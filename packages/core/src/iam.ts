import { IssueCollector } from './errors';

/** An IAM managed policy ARN: `arn:<partition>:iam::<account>:policy/<path><name>`. */
export const IAM_POLICY_ARN_RE = /^arn:aws(-[a-z]+)*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/;

/**
 * Checks an optional IAM policy ARN (a permissions boundary, say). Unresolved tokens (`${…}`) are
 * left to Terraform: their value is only known at apply time.
 */
export function checkIamPolicyArn(issues: IssueCollector, field: string, v: unknown): void {
  if (v === undefined || (typeof v === 'string' && v.includes('${'))) return;
  if (typeof v !== 'string' || !IAM_POLICY_ARN_RE.test(v)) {
    issues.add(
      field,
      v,
      'must be an IAM policy ARN such as arn:aws:iam::111111111111:policy/automock-dev-boundary',
    );
  }
}

/** The policy language version every document AutoMock writes declares. */
export const POLICY_VERSION = '2012-10-17';

/** Strings a policy element takes: one, or a list. */
export type PolicyValues = string | readonly string[];

/** Who a resource or trust policy statement applies to: everyone (`*`), or named principals. */
export type PolicyPrincipal =
  | '*'
  | {
      readonly AWS?: PolicyValues;
      readonly Federated?: PolicyValues;
      readonly Service?: PolicyValues;
    };

/** A statement's conditions: operator, then context key, then the value(s) to compare with. */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, PolicyValues>>>>;

/** One statement of an IAM policy document, in IAM's JSON form. */
export interface PolicyStatement {
  /** Statement id, unique within the document. @default - none */
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  /** For resource and trust policies. @default - none (an identity policy) */
  readonly Principal?: PolicyPrincipal;
  readonly Action: PolicyValues;
  /** The resources it covers. @default - none (a trust policy) */
  readonly Resource?: PolicyValues;
  /** Every resource but these (instead of `Resource`). @default - none */
  readonly NotResource?: PolicyValues;
  /** @default - unconditional */
  readonly Condition?: PolicyCondition;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: typeof POLICY_VERSION;
  readonly Statement: readonly PolicyStatement[];
}

/** A policy document of these statements. */
export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: statements };
}

/**
 * The document as the JSON string a policy argument takes; cdktf tokens in it (ARNs of resources
 * created alongside) become Terraform references.
 */
export function policyJson(statements: readonly PolicyStatement[]): string {
  return JSON.stringify(policyDocument(statements));
}

/** The statement of a role trust policy that lets an AWS service (`ecs-tasks.amazonaws.com`...) assume it. */
export function serviceTrustStatement(
  service: string,
  condition?: PolicyCondition,
): PolicyStatement {
  return {
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    ...(condition ? { Condition: condition } : {}),
  };
}

/**
 * One statement in the form of an `aws_iam_policy_document` data source's `statement` block,
 * for documents Terraform renders (the provider's `DataAwsIamPolicyDocumentStatement`). The
 * effect is written for Deny only: Allow is the block's default, and the documents the stacks
 * already hold were written without it.
 */
export interface PolicyDocumentBlock {
  readonly sid?: string;
  readonly effect?: 'Deny';
  readonly actions: string[];
  readonly resources?: string[];
  readonly notResources?: string[];
  readonly principals?: { readonly type: string; readonly identifiers: string[] }[];
  readonly condition?: {
    readonly test: string;
    readonly variable: string;
    readonly values: string[];
  }[];
}

const list = (v: PolicyValues): string[] => (typeof v === 'string' ? [v] : [...v]);

/** The statements as `aws_iam_policy_document` blocks (see {@link PolicyDocumentBlock}). */
export function policyDocumentBlocks(
  statements: readonly PolicyStatement[],
): PolicyDocumentBlock[] {
  return statements.map((s) => {
    const principal = s.Principal;
    const principals =
      principal === undefined
        ? undefined
        : principal === '*'
          ? [{ type: '*', identifiers: ['*'] }]
          : (['AWS', 'Federated', 'Service'] as const)
              .filter((t) => principal[t] !== undefined)
              .map((type) => ({ type, identifiers: list(principal[type]!) }));
    const condition = s.Condition
      ? Object.entries(s.Condition).flatMap(([test, vars]) =>
          Object.entries(vars).map(([variable, values]) => ({
            test,
            variable,
            values: list(values),
          })),
        )
      : undefined;
    return {
      ...(s.Sid !== undefined ? { sid: s.Sid } : {}),
      ...(s.Effect === 'Deny' ? { effect: 'Deny' as const } : {}),
      actions: list(s.Action),
      ...(s.Resource !== undefined ? { resources: list(s.Resource) } : {}),
      ...(s.NotResource !== undefined ? { notResources: list(s.NotResource) } : {}),
      ...(principals ? { principals } : {}),
      ...(condition ? { condition } : {}),
    };
  });
}

/**
 * The calls CloudWatch Logs authorises, as the caller, when a service is given a log group to
 * deliver to (an API Gateway stage's access log: "Configuring logging for an HTTP API"). None has
 * a resource type in the Service Authorization Reference, so a policy can only allow them on `*`:
 * the CI roles grant them with an HTTP API's resources, and AM-IAM-2 accepts them on `*`.
 */
export const LOG_DELIVERY_ACTIONS: readonly string[] = Object.freeze([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
]);
