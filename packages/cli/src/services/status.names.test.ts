import { defineEnvironment } from '@automock/core';
import { serviceNames } from './status';

describe('serviceNames', () => {
  const env = defineEnvironment({
    name: 'dev',
    accountId: '111111111111',
    region: 'us-east-1',
    taskPlacement: 'public',
  });
  const ctx = { env } as Parameters<typeof serviceNames>[0];

  it('prefers the names the deploy recorded', () => {
    const d = { project: 'petstore', outputs: { cluster_name: 'c', service_name: 's' } } as never;
    expect(serviceNames(ctx, d)).toEqual({ cluster: 'c', service: 's' });
  });

  it('falls back to the names the stacks give (the environment cluster, the mockserver service)', () => {
    const d = { project: 'petstore', isolation: 'dedicated', outputs: {} } as never;
    expect(serviceNames(ctx, d)).toEqual({
      cluster: 'automock-dev',
      service: 'automock-dev-petstore-mockserver',
    });
  });
});
