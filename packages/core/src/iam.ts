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
