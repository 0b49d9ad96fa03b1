import type { WorkloadDeclaration, WorkloadRefKind } from './section';

/**
 * A KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`). Not an alias: the grants AutoMock
 * writes name the key, and IAM matches a key's use against its key ARN, never an alias ARN.
 */
export const KMS_KEY_ARN_PATTERN =
  '^arn:aws(-[a-z]+)*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]{1,128}$';

/** JSON Schema of an optional customer managed KMS key. */
export const kmsKeyArnSchema = (what: string): Record<string, unknown> => ({
  type: 'string',
  pattern: KMS_KEY_ARN_PATTERN,
  description: `ARN of a customer managed KMS key (key/..., not an alias) that encrypts ${what}.`,
});

/**
 * The `name`s of a section that is a list of named items, for other sections to refer to. Reads
 * what it can from a value that may not have passed the schema.
 */
export function declaredNames(
  kind: WorkloadRefKind,
  input: unknown,
  field: string,
): WorkloadDeclaration[] {
  if (!Array.isArray(input)) return [];
  const out: WorkloadDeclaration[] = [];
  input.forEach((item, i) => {
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && name.length > 0)
      out.push({ kind, name, field: `${field}[${i}].name` });
  });
  return out;
}
