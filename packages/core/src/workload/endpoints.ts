import { policyJson, type PolicyStatement } from '../iam';
import type { WorkloadSection } from './section';

/** Services AWS offers gateway endpoints for; every other service is reached by an interface endpoint. */
export const GATEWAY_ENDPOINT_SERVICES = ['s3', 'dynamodb'] as const;

/** One VPC endpoint of a workload, as written. */
export interface EndpointInput {
  /** Service name after `com.amazonaws.<region>.`: `s3`, `dynamodb`, `ecr.api`, `ecr.dkr`, `logs`... */
  readonly service: string;
  /** Endpoint type. @default 'Gateway' for s3 and dynamodb, 'Interface' for every other service */
  readonly type?: 'Gateway' | 'Interface';
  /** Endpoint policy statements. @default - AWS's default policy (full access through the endpoint) */
  readonly policy?: readonly PolicyStatement[];
}

/** A validated endpoint with every default filled in. */
export interface EndpointResolved {
  readonly service: string;
  readonly type: 'Gateway' | 'Interface';
  /** `com.amazonaws.<region>.<service>`. */
  readonly serviceName: string;
  /** Endpoint policy JSON, or undefined for AWS's default. */
  readonly policy?: string;
}

const SERVICE_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*$';

/** JSON Schema of the `endpoints` section. */
export const ENDPOINTS_SCHEMA = {
  type: 'array',
  description:
    'VPC endpoints: gateway endpoints on the private route tables, interface endpoints in the private subnets (HTTPS from the VPC only, private DNS).',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['service'],
    properties: {
      service: {
        type: 'string',
        pattern: SERVICE_PATTERN,
        maxLength: 64,
        description: 'Service after com.amazonaws.<region>., e.g. s3, dynamodb, ecr.api, logs.',
      },
      type: {
        type: 'string',
        enum: ['Gateway', 'Interface'],
        description: 'Gateway (s3, dynamodb only; the default for them) or Interface.',
      },
      policy: {
        type: 'array',
        minItems: 1,
        description: 'Endpoint policy statements (default: full access through the endpoint).',
        items: {
          type: 'object',
          required: ['Effect', 'Action'],
          properties: {
            Sid: {
              type: 'string',
              pattern: '^[A-Za-z0-9]*$',
              description: 'Statement id: letters and digits.',
            },
            Effect: {
              type: 'string',
              enum: ['Allow', 'Deny'],
              description: 'Allow or Deny.',
            },
            Principal: {
              description:
                'Who the statement applies to (required: use "*" and narrow with Condition).',
            },
            Action: {
              description: 'One action or a list of actions, `service:Action`.',
              anyOf: [
                { type: 'string' },
                { type: 'array', minItems: 1, items: { type: 'string' } },
              ],
            },
            Resource: {
              description: 'One resource ARN or a list of them.',
              anyOf: [
                { type: 'string' },
                { type: 'array', minItems: 1, items: { type: 'string' } },
              ],
            },
            Condition: { type: 'object', description: 'IAM condition block.' },
          },
          additionalProperties: false,
        },
      },
    },
  },
} as const;

/** The `endpoints` section: the VPC endpoints the workload's tasks reach AWS through. */
export const endpointsSection: WorkloadSection<readonly EndpointInput[], EndpointResolved[]> = {
  key: 'endpoints',
  schema: ENDPOINTS_SCHEMA,
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const seen = new Map<string, number>();
    const out = input.map((e, i): EndpointResolved => {
      const f = `${ctx.field}[${i}]`;
      const gatewayCapable = (GATEWAY_ENDPOINT_SERVICES as readonly string[]).includes(e.service);
      const type = e.type ?? (gatewayCapable ? 'Gateway' : 'Interface');
      if (type === 'Gateway' && !gatewayCapable)
        ctx.issues.add(
          `${f}.type`,
          type,
          `AWS offers gateway endpoints only for ${GATEWAY_ENDPOINT_SERVICES.join(' and ')}; use Interface for ${e.service}`,
        );
      if (e.service.startsWith('com.amazonaws.'))
        ctx.issues.add(
          `${f}.service`,
          e.service,
          'must be the service alone (s3, ecr.api): the region and prefix are added from the environment',
        );
      const key = `${type}:${e.service}`;
      if (seen.has(key))
        ctx.issues.add(
          `${f}.service`,
          e.service,
          `duplicates ${ctx.field}[${seen.get(key)}]: one ${type} endpoint per service`,
        );
      seen.set(key, i);
      (e.policy ?? []).forEach((s, j) => {
        if (s.Principal === undefined)
          ctx.issues.add(
            `${f}.policy[${j}].Principal`,
            undefined,
            'is required in an endpoint policy (use "*" and narrow with Condition)',
          );
      });
      return {
        service: e.service,
        type,
        serviceName: `com.amazonaws.${ctx.env.region}.${e.service}`,
        ...(e.policy ? { policy: policyJson(e.policy) } : {}),
      };
    });
    return ctx.issues.issues.length > before ? undefined : out;
  },
};
