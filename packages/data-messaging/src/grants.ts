import type { PolicyStatement } from '@automock/core';

/** IAM statements that give read or write access to one resource. */
export interface ResourceGrants {
  readonly read: readonly PolicyStatement[];
  readonly write: readonly PolicyStatement[];
}

/** The statement of a resource policy that refuses every request made without TLS. */
export function denyInsecureTransport(action: string, resource: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: action,
    Resource: resource,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
