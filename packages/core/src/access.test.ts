import { admitsInternet, controlPlaneSecretName, isInternetCidr } from './access';
import { defineEnvironment, EnvironmentInput } from './environment';
import { ConfigValidationError } from './errors';
import { isPinnedByDigest } from './images';
import { defineProject } from './project';

const valid: EnvironmentInput = { name: 'dev', accountId: '123456789012', region: 'us-east-1' };
const DIGEST = `sha256:${'ab'.repeat(32)}`;

function issuesOf(input: Record<string, unknown>): string[] {
  try {
    defineEnvironment({ ...valid, ...input } as EnvironmentInput);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigValidationError);
    return (e as ConfigValidationError).issues.map(
      (i) => `${i.field}: ${JSON.stringify(i.value)}: ${i.rule}`,
    );
  }
  return [];
}

describe('environment access settings', () => {
  it('defaults: data plane from the internet, control plane by token only, logs in production', () => {
    const dev = defineEnvironment(valid);
    expect(dev.dataPlaneCidrs).toEqual(['0.0.0.0/0']);
    expect(dev.controlPlaneCidrs).toEqual([]);
    expect(dev.images).toEqual({});
    expect(dev.albAccessLogs).toBe(false);
    expect(defineEnvironment({ ...valid, name: 'prod' }).albAccessLogs).toBe(true);
    expect(defineEnvironment({ ...valid, albAccessLogs: true }).albAccessLogs).toBe(true);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'not a list',
      { dataPlaneCidrs: '10.0.0.0/8' },
      /dataPlaneCidrs: "10.0.0.0\/8": must be a list/,
    ],
    ['empty', { dataPlaneCidrs: [] }, /dataPlaneCidrs: \[\]: must hold 1 to 4 CIDRs/],
    [
      'more than one rule holds',
      {
        dataPlaneCidrs: ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16'],
      },
      /dataPlaneCidrs: .*must hold 1 to 4 CIDRs \(one ALB rule holds 5 condition values/,
    ],
    [
      'host bits',
      { dataPlaneCidrs: ['10.0.0.1/8'] },
      /dataPlaneCidrs\[0\]: "10.0.0.1\/8": must be an IPv4 network/,
    ],
    [
      'duplicate',
      { dataPlaneCidrs: ['10.0.0.0/8', '10.0.0.0/8'] },
      /dataPlaneCidrs\[1\].*must not repeat/,
    ],
    [
      'control plane from the internet',
      { controlPlaneCidrs: ['0.0.0.0/0'] },
      /controlPlaneCidrs\[0\]: "0.0.0.0\/0": must not cover the internet/,
    ],
    [
      'control plane /7',
      { controlPlaneCidrs: ['0.0.0.0/7'] },
      /controlPlaneCidrs\[0\].*must not cover the internet/,
    ],
    [
      'three control plane CIDRs',
      { controlPlaneCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] },
      /controlPlaneCidrs: .*must hold 0 to 2 CIDRs/,
    ],
    [
      'unknown image key',
      { images: { postgres: 'postgres:16' } },
      /images.postgres: "postgres:16": is not an image/,
    ],
    [
      'bad image reference',
      { images: { mockserver: 'MockServer 9' } },
      /images.mockserver: .*must be an image reference/,
    ],
    [
      'floating image',
      { images: { mockserver: 'mockserver/mockserver' } },
      /images.mockserver: .*must name a tag or a digest/,
    ],
    [
      'short digest',
      { images: { mockserver: 'mockserver/mockserver:9.4.0@sha256:abc' } },
      /images.mockserver/,
    ],
    ['albAccessLogs', { albAccessLogs: 'yes' }, /albAccessLogs: "yes": must be true or false/],
  ])('rejects %s', (_label, input, re) => {
    expect(issuesOf(input).join('\n')).toMatch(re);
  });

  it('accepts pinned images, registry hosts with ports, and narrow CIDRs', () => {
    const env = defineEnvironment({
      ...valid,
      dataPlaneCidrs: ['203.0.113.0/24', '198.51.100.7/32'],
      controlPlaneCidrs: ['10.8.0.0/16'],
      images: {
        mockserver: `mockserver/mockserver:9.4.0@${DIGEST}`,
        configLoader: `registry.example.com:5000/mirror/aws-cli:2.22.35@${DIGEST}`,
        destroyerNode: `public.ecr.aws/docker/library/node@${DIGEST}`,
      },
    });
    expect(env.dataPlaneCidrs).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(Object.values(env.images).every(isPinnedByDigest)).toBe(true);
  });

  it('lets a project narrow or widen the data plane; others inherit it', () => {
    const env = defineEnvironment({ ...valid, dataPlaneCidrs: ['203.0.113.0/24'] });
    expect(defineProject({ name: 'a' }, env).access.dataPlaneCidrs).toEqual(['203.0.113.0/24']);
    expect(
      defineProject({ name: 'b', dataPlaneCidrs: ['0.0.0.0/0'] }, env).access.dataPlaneCidrs,
    ).toEqual(['0.0.0.0/0']);
    expect(() => defineProject({ name: 'c', dataPlaneCidrs: ['nope'] }, env)).toThrow(
      /project\[dev\/c\]\.dataPlaneCidrs\[0\]: got "nope", must be an IPv4 network/,
    );
  });
});

describe('access helpers', () => {
  it('treats /0 to /7 (and ::/0) as the internet', () => {
    expect(isInternetCidr('0.0.0.0/0')).toBe(true);
    expect(isInternetCidr('128.0.0.0/1')).toBe(true);
    expect(isInternetCidr('::/0')).toBe(true);
    expect(isInternetCidr('10.0.0.0/8')).toBe(false);
    expect(admitsInternet(['10.0.0.0/8', '0.0.0.0/1'])).toBe(true);
    expect(admitsInternet(['203.0.113.0/24'])).toBe(false);
  });

  it('names the control-plane secret per environment and project', () => {
    expect(controlPlaneSecretName('automock', 'dev', 'petstore')).toBe(
      'automock/dev/petstore/control-plane-token',
    );
  });
});
