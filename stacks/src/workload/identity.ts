import { Identity, resourceName } from '@automock/core';
import { UserPool } from '@automock/identity';
import type { WorkloadSectionBuilder } from './section-builder';

/**
 * Builds the `identity` section: the workload's Cognito user pool, provided as a `userPool` ref
 * whose attributes carry what an HTTP API's JWT authorizer and a backend need (pool id, issuer,
 * client ids) and whose grants are the user-management calls on that pool only.
 */
export const identityBuilder: WorkloadSectionBuilder<Identity> = {
  key: 'identity',
  order: 10,
  build(identity, ctx) {
    const name = (kind: string) => resourceName('generic', { ...ctx.nameParts, kind });
    const pool = new UserPool(ctx.scope, `user-pool-${identity.name}`, {
      poolName: name(identity.name),
      passwordPolicy: identity.passwordPolicy,
      mfa: identity.mfa,
      groups: identity.groups,
      clients: identity.clients.map((c) => ({ ...c, key: c.name, name: name(c.name) })),
      ...(identity.domainPrefix !== undefined ? { domainPrefix: identity.domainPrefix } : {}),
      deletionProtection: identity.deletionProtection,
    });
    ctx.provide({
      kind: 'userPool',
      name: identity.name,
      arn: pool.arn,
      attributes: {
        id: pool.id,
        issuer: pool.issuer,
        ...Object.fromEntries([...pool.clients].map(([k, c]) => [`client:${k}`, c.id])),
        ...(pool.domain ? { domain: pool.domain.domain } : {}),
      },
      grants: pool.grants(),
    });
  },
};
