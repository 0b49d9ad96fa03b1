import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineEnvironment } from './environment';
import { ConfigValidationError } from './errors';
import {
  checkProjectSet,
  defineProject,
  derivedListenerPort,
  derivedRulePriority,
  ProjectInput,
} from './project';

const dev = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'us-east-1' });
const prod = defineEnvironment({
  name: 'prod',
  accountId: '123456789012',
  region: 'us-east-1',
  domain: { name: 'mocks.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
});

function issuesOf(input: ProjectInput, env = dev) {
  try {
    defineProject(input, env);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('defineProject', () => {
  it('fills defaults for a long-lived project', () => {
    const p = defineProject({ name: 'petstore' }, dev);
    expect(p).toMatchObject({
      sizeName: 'small',
      size: { cpu: 256, memory: 512 },
      ttlHours: 0,
      minTasks: 2,
      maxTasks: 20,
      isolation: 'shared',
      capacity: 'FARGATE',
      ephemeral: false,
    });
    expect(p.routing).toEqual({ kind: 'shared-port', port: derivedListenerPort('petstore') });
    expect(derivedListenerPort('petstore')).toBeGreaterThanOrEqual(10000);
    expect(p.expectations.count).toBe(0);
  });

  it('gives an ephemeral project 1..20 tasks and the environment TTL', () => {
    const p = defineProject({ name: 'tmp', ephemeral: true }, dev);
    expect([p.minTasks, p.maxTasks, p.ttlHours]).toEqual([1, 20, 4]);
  });

  it('routes by host name with a domain and needs no port', () => {
    const p = defineProject({ name: 'api' }, prod);
    expect(p.routing).toEqual({
      kind: 'shared-host',
      domain: { hostname: 'api.mocks.example.com', hostedZoneId: prod.domain!.hostedZoneId },
      priority: derivedRulePriority('api'),
    });
    expect(issuesOf({ name: 'api', listenerPort: 8080 }, prod)[0]!.field).toMatch(/listenerPort/);
  });

  it('routes a dedicated project to its own ALB, on its host name when there is a domain', () => {
    expect(defineProject({ name: 'lt', isolation: 'dedicated' }, dev).routing).toEqual({
      kind: 'dedicated',
    });
    expect(defineProject({ name: 'lt', isolation: 'dedicated' }, prod).routing).toEqual({
      kind: 'dedicated',
      domain: { hostname: 'lt.mocks.example.com', hostedZoneId: prod.domain!.hostedZoneId },
    });
  });

  it("carries who may reach it: the environment's control-plane networks, its own or the environment's callers", () => {
    const p = defineProject({ name: 'a', dataPlaneCidrs: ['203.0.113.0/24'] }, dev);
    expect(p.access).toEqual({
      controlPlaneCidrs: dev.controlPlaneCidrs,
      dataPlaneCidrs: ['203.0.113.0/24'],
    });
    expect(defineProject({ name: 'b' }, dev).access.dataPlaneCidrs).toEqual(dev.dataPlaneCidrs);
  });

  it('computes expiry from createdAt and TTL', () => {
    const p = defineProject({ name: 'a', ttlHours: 8, createdAt: '2025-01-05T10:00:00Z' }, dev);
    expect(p.expiresAt).toBe('2025-01-05T18:00:00.000Z');
  });

  it.each<[string, Partial<ProjectInput>, RegExp]>([
    ['unknown size', { size: 'huge' as never }, /size: got "huge", must be one of small/],
    ['bad cpu', { size: { cpu: 300, memory: 512 } }, /size\.cpu: got 300/],
    [
      'bad cpu/memory pair',
      { size: { cpu: 256, memory: 4096 } },
      /size\.memory: got 4096, with cpu 256/,
    ],
    [
      'TTL too long',
      { ttlHours: 100000 },
      /ttlHours: got 100000, must be a whole number of hours from 0/,
    ],
    ['negative TTL', { ttlHours: -1 }, /ttlHours/],
    ['min > max', { minTasks: 5, maxTasks: 2 }, /maxTasks: got 2, must be at least minTasks/],
    ['zero tasks', { minTasks: 0 }, /minTasks: got 0/],
    [
      'port out of range',
      { listenerPort: 80 },
      /listenerPort: got 80, must be a whole number from 1024/,
    ],
    ['bad isolation', { isolation: 'solo' as never }, /isolation/],
    ['bad capacity', { capacity: 'EC2' as never }, /capacity/],
    ['bad email', { notificationEmail: 'nope' }, /notificationEmail/],
    ['bad secret ARN', { secrets: { TOKEN: 'plain-text' } }, /secrets\.TOKEN: got "plain-text"/],
    ['bad env var name', { environment: { 'A-B': 'x' } }, /environment\.A-B/],
    ['bad suppression', { suppressions: [{ id: 'x', reason: 'short' }] }, /suppressions\[0\]\.id/],
  ])('rejects %s', (_what, extra, re) => {
    expect(() => defineProject({ name: 'petstore', ...extra }, dev)).toThrow(re);
  });

  it.each(['Petstore', 'pet_store', '1pet', 'pet-', 'a'.repeat(25), ''])(
    'rejects non-DNS-safe name %j',
    (name) => {
      expect(issuesOf({ name })[0]!.field).toMatch(/\.name$/);
    },
  );

  it('reports every problem at once', () => {
    const issues = issuesOf({ name: 'BAD', size: 'huge' as never, ttlHours: -3 });
    expect(issues.map((i) => i.field.split('.').pop())).toEqual(['name', 'size', 'ttlHours']);
  });

  it('rejects unknown keys instead of dropping them', () => {
    const issues = issuesOf({ name: 'pets', minTask: 3, listenerport: 10080 } as never);
    expect(issues).toEqual([
      {
        field: 'project[dev/pets].minTask',
        value: 3,
        rule: expect.stringMatching(/^is not a known key \(allowed: name, size, .*minTasks/),
      },
      expect.objectContaining({ field: 'project[dev/pets].listenerport', value: 10080 }),
    ]);
  });

  describe('expectations', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'am-proj-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reads and validates a file', () => {
      const file = path.join(dir, 'ok.json');
      fs.writeFileSync(
        file,
        JSON.stringify({ httpRequest: { path: '/x' }, httpResponse: { statusCode: 200 } }),
      );
      expect(defineProject({ name: 'a', expectations: file }, dev).expectations.count).toBe(1);
    });

    it('names the file and JSON path of the first problem', () => {
      const file = path.join(dir, 'expectations.json');
      fs.writeFileSync(file, JSON.stringify([{ httpResponse: { statusCode: '200' } }]));
      expect(() => defineProject({ name: 'a', expectations: file }, dev)).toThrow(
        `${file}: $[0].httpResponse.statusCode: got "200", must be an integer`,
      );
    });

    it('reports invalid JSON and missing files', () => {
      expect(() =>
        defineProject({ name: 'a', expectations: { content: '[{', source: 'x.json' } }, dev),
      ).toThrow(/x\.json: got nothing, must be valid JSON/);
      expect(() =>
        defineProject({ name: 'a', expectations: path.join(dir, 'missing.json') }, dev),
      ).toThrow(/must be a readable file \(ENOENT\)/);
    });
  });
});

describe('checkProjectSet', () => {
  it('reports port clashes and duplicate names within an environment', () => {
    const a = defineProject({ name: 'a', listenerPort: 8080 }, dev);
    const b = defineProject({ name: 'b', listenerPort: 8080 }, dev);
    expect(() => checkProjectSet([a, b])).toThrow(
      /project\[dev\/b\]\.listenerPort: got 8080, must differ from project a/,
    );
    expect(() => checkProjectSet([a, a])).toThrow(/project\[dev\/a\]\.name.*unique/);
  });

  it('reports overlapping rule priorities on a shared HTTPS listener', () => {
    const a = defineProject({ name: 'a', rulePriority: 100 }, prod);
    const b = defineProject({ name: 'b', rulePriority: 105 }, prod);
    const c = defineProject({ name: 'c', rulePriority: 110 }, prod);
    expect(a.routing).toMatchObject({ kind: 'shared-host', priority: 100 });
    expect(() => checkProjectSet([a, b])).toThrow(
      /project\[prod\/b\]\.rulePriority: got 105, must be at least 10 away from project a/,
    );
    expect(() => checkProjectSet([a, c])).not.toThrow();
    expect(defineProject({ name: 'd' }, prod).routing).toMatchObject({
      priority: derivedRulePriority('d'),
    });
    expect(() => defineProject({ name: 'e', rulePriority: 5 }, dev)).toThrow(
      /rulePriority: got 5, must be omitted/,
    );
  });

  it('allows the same name and port in different environments', () => {
    const staging = defineEnvironment({
      name: 'staging',
      accountId: '123456789012',
      region: 'us-east-1',
    });
    expect(() =>
      checkProjectSet([
        defineProject({ name: 'a', listenerPort: 8080 }, dev),
        defineProject({ name: 'a', listenerPort: 8080 }, staging),
      ]),
    ).not.toThrow();
  });
});

describe('AWS limits a project can run into', () => {
  const longDomain = defineEnvironment({
    name: 'prod',
    accountId: '123456789012',
    region: 'us-east-1',
    // 62 characters: the longest domain whose *.<domain> certificate ACM accepts.
    domain: { name: `${'d'.repeat(50)}.example.com`, hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
  });

  it('accepts the longest domain on the shared ALB (host name within Route53 and host-header limits)', () => {
    const p = defineProject({ name: 'a'.repeat(24) }, longDomain);
    expect(p.routing.kind === 'shared-host' && p.routing.domain.hostname).toHaveLength(87);
  });

  it("refuses a dedicated project whose <project>.<domain> is too long for its ALB's certificate", () => {
    const issues = issuesOf({ name: 'a'.repeat(24), isolation: 'dedicated' }, longDomain);
    expect(
      issues.map((i) => `${i.field}: ${JSON.stringify(i.value)}: ${i.rule}`).join('\n'),
    ).toMatch(
      /project\[prod\/a{24}\]\.name: "a{24}": must make the host name a{24}\.d{50}\.example\.com \(87 characters\) at most 64 characters: .*ACM limits a certificate's first domain name to 64/,
    );
    // With this 62-character domain only a one-letter name fits (a.<domain> is 64).
    expect(() => defineProject({ name: 'a', isolation: 'dedicated' }, longDomain)).not.toThrow();
  });

  it('refuses environment variables and secrets that would push the task definition past 64 KiB', () => {
    const environment = Object.fromEntries(
      Array.from({ length: 14 }, (_, i) => [`VAR_${i}`, 'x'.repeat(4096)]),
    );
    const issues = issuesOf({ name: 'big', environment });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('project[dev/big].environment');
    expect(String(issues[0]!.value)).toMatch(/^\d+ bytes of environment variables and secrets$/);
    expect(issues[0]!.rule).toMatch(
      /must take at most \d+ bytes: an ECS task definition is limited to 65536 bytes, of which AutoMock keeps 8192 for its containers and the task definition's tags take \d+/,
    );
    // Thirteen such variables fit.
    expect(() =>
      defineProject(
        { name: 'big', environment: Object.fromEntries(Object.entries(environment).slice(0, 13)) },
        dev,
      ),
    ).not.toThrow();
    // ...but not beside the most and longest tags an environment may have: the task
    // definition carries them too.
    const tagged = defineEnvironment({
      name: 'dev',
      accountId: '123456789012',
      region: 'us-east-1',
      tags: Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`${i}`.padEnd(128, 'k'), 'v'.repeat(256)]),
      ),
    });
    expect(
      issuesOf(
        { name: 'big', environment: Object.fromEntries(Object.entries(environment).slice(0, 13)) },
        tagged,
      )[0]!.field,
    ).toBe('project[dev/big].environment');
  });
});

describe('shared ALB capacity', () => {
  const many = (env: typeof dev, n: number) =>
    Array.from({ length: n }, (_, i) =>
      defineProject(
        {
          name: `p${i}`,
          ...(env.domain ? { rulePriority: 1 + i * 10 } : { listenerPort: 20000 + i }),
        },
        env,
      ),
    );

  it('fits 49 port-routed projects (49 listeners and the HTTP one) and refuses the 50th, suggesting dedicated', () => {
    expect(() => checkProjectSet(many(dev, 49))).not.toThrow();
    expect(() => checkProjectSet(many(dev, 50))).toThrow(
      /project\[dev\/p49\]\.isolation: got "shared", would put 51 listeners on the shared ALB of dev \(50 shared projects\); an ALB holds at most 50, so at most 49 shared projects fit: deploy this one with isolation 'dedicated'/,
    );
  });

  it('counts the rules of host-routed projects: 3 each (token, refusal, host), so 33 fit in 100', () => {
    expect(() => checkProjectSet(many(prod, 33))).not.toThrow();
    const err = (() => {
      try {
        checkProjectSet(many(prod, 51));
      } catch (e) {
        return e as ConfigValidationError;
      }
      return undefined;
    })();
    expect(err?.issues.map((i) => i.rule)).toEqual([
      expect.stringMatching(
        /^would put 102 target groups on the shared ALB of prod .* at most 100, so at most 50 shared projects fit/,
      ),
      expect.stringMatching(
        /^would put 153 listener rules on the shared ALB of prod .* at most 100, so at most 33 shared projects fit/,
      ),
    ]);
    expect(() => checkProjectSet(many(prod, 34))).toThrow(
      /project\[prod\/p33\]\.isolation: got "shared", would put 102 listener rules on the shared ALB of prod \(34 shared projects\); an ALB holds at most 100, so at most 33 shared projects fit: deploy this one with isolation 'dedicated'/,
    );
  });

  it('counts a fourth rule per project when the environment admits control-plane networks', () => {
    const vpn = defineEnvironment({
      name: 'prod',
      accountId: '123456789012',
      region: 'us-east-1',
      domain: { name: 'mocks.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      controlPlaneCidrs: ['10.20.0.0/16'],
    });
    expect(() => checkProjectSet(many(vpn, 25))).not.toThrow();
    expect(() => checkProjectSet(many(vpn, 26))).toThrow(
      /would put 104 listener rules .* so at most 25 shared projects fit/,
    );
  });

  it('counts a data-plane rule for port-routed projects whose callers are restricted', () => {
    // Open data plane: 2 rules each, the listener quota binds first (49).
    expect(() => checkProjectSet(many(dev, 49))).not.toThrow();
    const restricted = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        defineProject(
          { name: `r${i}`, listenerPort: 30000 + i, dataPlaneCidrs: ['203.0.113.0/24'] },
          dev,
        ),
      );
    expect(() => checkProjectSet(restricted(33))).not.toThrow();
    expect(() => checkProjectSet(restricted(34))).toThrow(
      /would put 102 listener rules on the shared ALB of dev \(34 shared projects\); .* so at most 33 shared projects fit/,
    );
    // Mixed: 20 restricted (60 rules) and 20 open (40 rules) fill the 100 exactly.
    const open20 = many(dev, 20);
    expect(() => checkProjectSet([...restricted(20), ...open20])).not.toThrow();
    expect(() => checkProjectSet([...restricted(21), ...open20])).toThrow(
      /would put 103 listener rules on the shared ALB of dev \(41 shared projects\); .* so at most 39 shared projects fit/,
    );
  });

  it('counts projects already deployed (from the registry) against the quotas', () => {
    const ten = many(dev, 10);
    expect(() => checkProjectSet(ten, { alreadyDeployed: { dev: 39 } })).not.toThrow();
    expect(() => checkProjectSet(ten, { alreadyDeployed: { dev: 40 } })).toThrow(
      /\(50 shared projects, 40 of them already deployed\)/,
    );
    // Registry-only projects were deployed with the environment's settings: 3 rules each here.
    const five = many(prod, 5);
    expect(() => checkProjectSet(five, { alreadyDeployed: { prod: 28 } })).not.toThrow();
    expect(() => checkProjectSet(five, { alreadyDeployed: { prod: 29 } })).toThrow(
      /would put 102 listener rules on the shared ALB of prod \(34 shared projects, 29 of them already deployed\)/,
    );
  });

  it('does not count dedicated projects', () => {
    const dedicated = Array.from({ length: 60 }, (_, i) =>
      defineProject({ name: `d${i}`, isolation: 'dedicated' }, dev),
    );
    expect(() => checkProjectSet(dedicated)).not.toThrow();
  });
});

describe("the environment's maximum TTL", () => {
  const capped = defineEnvironment({
    name: 'dev',
    accountId: '123456789012',
    region: 'us-east-1',
    maxTtlHours: 8,
  });

  it('accepts up to the maximum and takes the default within it', () => {
    expect(defineProject({ name: 'a', ttlHours: 8, ephemeral: true }, capped).ttlHours).toBe(8);
    expect(defineProject({ name: 'a', ephemeral: true }, capped).ttlHours).toBe(4);
  });

  it.each([9, 0])('refuses %i h naming the limit', (ttlHours) => {
    const issues = issuesOf({ name: 'a', ttlHours, ephemeral: true }, capped);
    expect(issues).toEqual([
      expect.objectContaining({
        field: 'project[dev/a].ttlHours',
        value: ttlHours,
        rule: expect.stringMatching(/must be from 1 to 8: environment dev sets maxTtlHours 8/),
      }),
    ]);
  });

  it('does not apply to long-lived projects (declared, never expiring)', () => {
    expect(defineProject({ name: 'a' }, capped).ttlHours).toBe(0);
  });
});
