import { runCommand } from '@oclif/test';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EnvironmentInput, ProjectInput } from '@automock/core';

// Every AWS (and MockServer) limit the configuration can break, driven through `automock synth`
// with the real app: exit code 2, a message naming the field, the value and the limit, and
// nothing written (the previous output stays, no temporary directory is left behind).

const pkgRoot = resolve(__dirname, '../..');
const APP = join(__dirname, '../testing/config-app.ts');

const base: EnvironmentInput = {
  name: 'dev',
  accountId: '123456789012',
  region: 'us-east-1',
  taskPlacement: 'public',
};
const domain = { name: 'mocks.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
const OTHER_ACCOUNT = '210987654321';

interface Case {
  readonly environments: EnvironmentInput[];
  readonly projects?: { env: string; project: ProjectInput }[];
  /** Files to write beside the configuration (e.g. expectations). */
  readonly files?: Record<string, string | Buffer>;
  /** Fragments the message must contain: field, value and limit. */
  readonly expected: (string | RegExp)[];
}

const sharedPorts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    env: 'dev',
    project: { name: `p${i}`, listenerPort: 20000 + i },
  }));

const CASES: Record<string, Case> = {
  'an invented region': {
    environments: [{ ...base, region: 'us-east-9' }],
    expected: ['environment[dev].region', '"us-east-9"', 'must be an AWS commercial region'],
  },
  'a region of another partition': {
    environments: [{ ...base, region: 'us-gov-west-1' }],
    expected: ['environment[dev].region', '"us-gov-west-1"', 'partition aws-us-gov'],
  },
  'a tag value with characters AWS refuses': {
    environments: [{ ...base, tags: { Team: 'R&D' } }],
    expected: [
      'environment[dev].tags.Team',
      '"R&D"',
      'letters, digits, spaces and _ . : / = + - @',
    ],
  },
  'a tag key over 128 characters': {
    environments: [{ ...base, tags: { ['k'.repeat(129)]: 'x' } }],
    expected: [`environment[dev].tags.${'k'.repeat(129)}`, 'key must be 1-128 characters'],
  },
  'a tag value over 256 characters': {
    environments: [{ ...base, tags: { Owner: 'o'.repeat(257) } }],
    expected: ['environment[dev].tags.Owner', 'at most 256 characters'],
  },
  'more tags than fit beside the standard ones': {
    environments: [
      { ...base, tags: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`T${i}`, 'x'])) },
    ],
    expected: ['environment[dev].tags', 'got 41', 'at most 40 tags (AWS allows 50 per resource'],
  },
  'a domain too long for the *.<domain> certificate': {
    environments: [{ ...base, domain: { ...domain, name: `${'d'.repeat(51)}.example.com` } }],
    expected: [
      'environment[dev].domain.name',
      `"${'d'.repeat(51)}.example.com"`,
      'ACM limits',
      '64',
    ],
  },
  'a prefix that makes internal- load balancer names': {
    environments: [{ ...base, prefix: 'internal' }],
    expected: ['environment[dev].prefix', '"internal"', "start with 'internal-'"],
  },
  'a dedicated project whose certificate name is over 64 characters': {
    environments: [{ ...base, domain: { ...domain, name: `${'d'.repeat(40)}.example.com` } }],
    projects: [
      { env: 'dev', project: { name: 'a-rather-long-name-here', isolation: 'dedicated' } },
    ],
    expected: [
      'project[dev/a-rather-long-name-here].name',
      '(76 characters) at most 64 characters',
      'ACM',
    ],
  },
  'environment variables that push the task definition past 64 KiB': {
    environments: [base],
    projects: [
      {
        env: 'dev',
        project: {
          name: 'big',
          environment: Object.fromEntries(
            Array.from({ length: 14 }, (_, i) => [`V${i}`, 'x'.repeat(4096)]),
          ),
        },
      },
    ],
    expected: [
      'project[dev/big].environment',
      'bytes of environment variables and secrets',
      'limited to 65536 bytes',
    ],
  },
  'more port-routed projects than the shared ALB has listeners for': {
    environments: [base],
    projects: sharedPorts(50),
    expected: [
      'project[dev/p49].isolation',
      '"shared"',
      'an ALB holds at most 50',
      "isolation 'dedicated'",
    ],
  },
  'more host-routed projects than the shared ALB has target groups and rules for': {
    environments: [{ ...base, domain }],
    projects: Array.from({ length: 51 }, (_, i) => ({
      env: 'dev',
      project: { name: `h${i}`, rulePriority: 1 + i * 10 },
    })),
    // Three rules each (token, control-plane refusal, host): the rules run out at 33 projects.
    expected: [
      '102 target groups',
      'at most 100',
      '153 listener rules',
      'at most 33 shared projects fit',
      "isolation 'dedicated'",
    ],
  },
  'an environment named like another environment’s project stack': {
    // Another account: in the same one, the name would already be refused for falling under
    // dev's CI permissions (automock-dev-*); the stack names clash across accounts too.
    environments: [
      base,
      { ...base, name: 'dev-petstore', accountId: OTHER_ACCOUNT, vpcCidr: '10.9.0.0/16' },
    ],
    projects: [{ env: 'dev', project: { name: 'petstore' } }],
    expected: [
      'project[dev/petstore].name',
      '"dev-petstore"',
      'must not make the same stack name as the environment stack "dev-petstore"',
    ],
  },
  'two projects making one stack name': {
    environments: [
      base,
      { ...base, name: 'dev-a', accountId: OTHER_ACCOUNT, vpcCidr: '10.9.0.0/16' },
    ],
    projects: [
      { env: 'dev', project: { name: 'a-b', listenerPort: 20001 } },
      { env: 'dev-a', project: { name: 'b', listenerPort: 20002 } },
    ],
    expected: ['project[dev-a/b].name', '"dev-a-b"', 'project stack "dev-a-b"'],
  },
  'an environment named like a bootstrap stack': {
    environments: [base, { ...base, name: 'bootstrap', vpcCidr: '10.9.0.0/16' }],
    projects: [{ env: 'bootstrap', project: { name: 'us-east-1' } }],
    expected: ['project[bootstrap/us-east-1].name', '"bootstrap-us-east-1"', 'bootstrap stack'],
  },
  'expectations over the size limit': {
    environments: [base],
    projects: [{ env: 'dev', project: { name: 'big', expectations: 'big.json' } }],
    files: {
      'big.json': JSON.stringify([
        { httpResponse: { statusCode: 200, body: 'x'.repeat(300 * 1024) } },
      ]),
    },
    expected: ['big.json', 'bytes (compact JSON)', 'must be at most 262144 bytes'],
  },
  'expectations MockServer 9 would refuse (status code out of range)': {
    environments: [base],
    projects: [{ env: 'dev', project: { name: 'bad', expectations: 'bad.json' } }],
    files: { 'bad.json': '[{"httpResponse": {"statusCode": 1000}}]' },
    expected: ['bad.json: $[0].httpResponse.statusCode', 'got 1000', 'from 100 to 999'],
  },
  'expectations saved as UTF-16': {
    environments: [base],
    projects: [{ env: 'dev', project: { name: 'utf', expectations: 'utf16.json' } }],
    files: {
      'utf16.json': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[]', 'utf16le')]),
    },
    expected: ['utf16.json', 'must be UTF-8: it is UTF-16 (little-endian)', 'byte 0'],
  },
};

describe('automock synth refuses what AWS would refuse: exit 2, field, value, limit, nothing written', () => {
  let tmp: string;
  const saved = { ...process.env };
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'automock-limits-'));
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each(Object.entries(CASES))('%s', async (_name, c) => {
    const configDir = join(tmp, 'config');
    mkdirSync(configDir);
    for (const [f, content] of Object.entries(c.files ?? {}))
      writeFileSync(join(configDir, f), content);
    const configFile = join(configDir, 'app.json');
    writeFileSync(
      configFile,
      JSON.stringify({ environments: c.environments, projects: c.projects }),
    );
    process.env.AUTOMOCK_APP_MODULE = APP;
    process.env.AUTOMOCK_TEST_APP_CONFIG = configFile;

    const outParent = join(tmp, 'work');
    const out = join(outParent, 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'previous.txt'), 'kept');

    const { error } = await runCommand(['synth', '--out', out], { root: pkgRoot });
    expect(error?.oclif?.exit).toBe(2);
    for (const e of c.expected) {
      if (typeof e === 'string') expect(error?.message).toContain(e);
      else expect(error?.message).toMatch(e);
    }
    expect(readdirSync(out)).toEqual(['previous.txt']);
    expect(readdirSync(outParent)).toEqual(['out']);
  });

  it('synthesises the same configuration once the value is legal (the harness is not what fails)', async () => {
    const configFile = join(tmp, 'app.json');
    writeFileSync(
      configFile,
      JSON.stringify({ environments: [{ ...base, tags: { Team: 'R and D' } }] }),
    );
    process.env.AUTOMOCK_APP_MODULE = APP;
    process.env.AUTOMOCK_TEST_APP_CONFIG = configFile;
    const out = join(tmp, 'out');
    const { error } = await runCommand(['synth', '--out', out], { root: pkgRoot });
    expect(error).toBeUndefined();
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['bootstrap-us-east-1', 'dev']);
  });
});
