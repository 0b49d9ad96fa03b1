import { MAX_TTL_HOURS, RULE_ID_RE } from '../environment';
import { PROJECT_NAME_MAX } from '../project';
import { MAX_USER_TAGS, TAG_KEY_MAX, TAG_VALUE_MAX } from '../tags';
import type { WorkloadSection } from './section';
import { WORKLOAD_SECTIONS } from './sections';

/** The keys every workload has besides its sections. */
export const WORKLOAD_TOP_LEVEL_KEYS = [
  'name',
  'environments',
  'network',
  'ephemeral',
  'ttlHours',
  'description',
  'tags',
  'suppressions',
] as const;

/** Longest workload description: it becomes a tag value, which AWS caps at 256. */
export const WORKLOAD_DESCRIPTION_MAX = TAG_VALUE_MAX;

/**
 * The schema of a workload's own keys (draft-07), without its sections. Name, TTL and tag rules
 * that need more than a schema (the environment's TTL cap, reserved tag prefixes) are checked by
 * `defineWorkload` as well; the schema gives editors the shape and the easy rules.
 */
export const WORKLOAD_TOP_LEVEL_SCHEMA = {
  name: {
    type: 'string',
    description: `The workload's name: 1-${PROJECT_NAME_MAX} lowercase letters, digits and hyphens, starting with a letter. Its stack is <env>-<name>; a YAML workload's file is named <name>.yaml.`,
    pattern: '^[a-z]([a-z0-9-]*[a-z0-9])?$',
    minLength: 1,
    maxLength: PROJECT_NAME_MAX,
  },
  environments: {
    type: 'array',
    description: 'The environments the workload is deployed to (one stack each).',
    items: { type: 'string', minLength: 1 },
    minItems: 1,
    uniqueItems: true,
  },
  network: {
    type: 'string',
    enum: ['shared', 'dedicated'],
    description:
      "'shared': the environment's network and ECS cluster. 'dedicated': a network and cluster of the workload's own.",
    default: 'shared',
  },
  ephemeral: {
    type: 'boolean',
    description:
      'A preview deployment with a TTL: cheaper defaults, no deletion protection, removed when it expires.',
    default: false,
  },
  ttlHours: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_TTL_HOURS,
    description:
      "Hours until teardown; 0 means never. Default: the environment's defaultTtlHours when ephemeral, else 0.",
  },
  description: {
    type: 'string',
    maxLength: WORKLOAD_DESCRIPTION_MAX,
    description: 'What the workload is, for people (not deployed).',
  },
  tags: {
    type: 'object',
    description: `Tags added to every resource of the workload (at most ${MAX_USER_TAGS} with the environment's).`,
    propertyNames: { minLength: 1, maxLength: TAG_KEY_MAX },
    additionalProperties: { type: 'string', maxLength: TAG_VALUE_MAX },
    default: {},
  },
  suppressions: {
    type: 'array',
    description: 'Guardrail findings accepted for this workload, each with its reason.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'reason'],
      properties: {
        id: {
          type: 'string',
          pattern: RULE_ID_RE.source,
          description: 'The rule id, e.g. AM-S3-1.',
        },
        reason: {
          type: 'string',
          minLength: 10,
          description: 'Why the finding is acceptable (at least 10 characters).',
        },
      },
    },
    default: [],
  },
} as const;

/**
 * The JSON Schema of a workload file: its own keys and each section's schema under the
 * section's key. Unknown keys are errors at every level the sections close.
 */
export function workloadJsonSchema(
  sections: readonly WorkloadSection[] = WORKLOAD_SECTIONS,
): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...WORKLOAD_TOP_LEVEL_SCHEMA };
  for (const s of sections) properties[s.key] = s.schema;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'AutoMock workload',
    description:
      'One workload: the services, tasks and data resources it is made of, and the environments it is deployed to. Validated by @automock/core defineWorkload / loadWorkloadYaml.',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'environments'],
    properties,
  };
}
