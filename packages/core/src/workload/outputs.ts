import { checkWorkloadReferences, WORKLOAD_REFERENCE_ATTRIBUTES } from './references';
import type { WorkloadSection } from './section';

/** An output of the workload's stack, as written: its value, or its value and description. */
export type OutputInput =
  | string
  | {
      /** The value: text with `${...}` references (a list reference stands alone). */
      readonly value: string;
      /** What it is, for people reading `terraform output`. @default - none */
      readonly description?: string;
    };

/** The `outputs` section: Terraform output name to value. */
export type OutputsInput = Readonly<Record<string, OutputInput>>;

/** A resolved output. */
export interface ResolvedOutput {
  readonly name: string;
  readonly value: string;
  readonly description?: string;
}

/** Terraform output names: a letter or underscore, then letters, digits, underscores, hyphens. */
export const OUTPUT_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]{0,63}$';

const VALUE_DESCRIPTION =
  'Text with ${<kind>:<name>:<attribute>} references to resources of the workload (e.g. ${service:api:albDnsName}) and ${aws:region}, ${env:name}, ${cluster:name}, ${cluster:arn}, ${network:vpcId}, ${cloudMap:namespaceArn}, ${cloudMap:namespaceName}, ${network:privateSubnetIds}, ${network:publicSubnetIds} (a list: the whole value).';

/** JSON Schema of the `outputs` section. */
export const OUTPUTS_SCHEMA = {
  type: 'object',
  description:
    "Outputs of the workload's stack (`terraform output`), by name: values known only once deployed, such as a load balancer's DNS name or a table's name.",
  minProperties: 1,
  propertyNames: { pattern: OUTPUT_NAME_PATTERN },
  additionalProperties: {
    oneOf: [
      { type: 'string', minLength: 1, description: VALUE_DESCRIPTION },
      {
        type: 'object',
        additionalProperties: false,
        required: ['value'],
        properties: {
          value: { type: 'string', minLength: 1, description: VALUE_DESCRIPTION },
          description: { type: 'string', description: 'What the output is, for people.' },
        },
      },
    ],
  },
} as const;

/** The `outputs` section: built last, so its values may name anything the workload declares. */
export const outputsSection: WorkloadSection<OutputsInput, readonly ResolvedOutput[]> = {
  key: 'outputs',
  schema: OUTPUTS_SCHEMA,
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const out = Object.entries(input).map(([name, o]): ResolvedOutput => {
      const value = typeof o === 'string' ? o : o.value;
      checkWorkloadReferences(ctx.issues, `${ctx.field}.${name}`, value, ctx, {
        kinds: Object.keys(WORKLOAD_REFERENCE_ATTRIBUTES),
        lists: true,
      });
      return {
        name,
        value,
        ...(typeof o !== 'string' && o.description !== undefined
          ? { description: o.description }
          : {}),
      };
    });
    return ctx.issues.issues.length > before ? undefined : out;
  },
};
