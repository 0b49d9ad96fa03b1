import { ConfigValidationError } from './errors';
import { checkEnvironmentSet, defineEnvironment, EnvironmentInput } from './environment';

const valid: EnvironmentInput = { name: 'dev', accountId: '123456789012', region: 'us-east-1' };

function issuesOf(input: Partial<EnvironmentInput> & Record<string, unknown>): string[] {
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

describe('defineEnvironment', () => {
  it('fills safe defaults without touching the input', () => {
    const input = { ...valid };
    const env = defineEnvironment(input);
    expect(env).toMatchObject({
      azCount: 2,
      vpcCidr: '10.0.0.0/16',
      nat: 'single',
      taskPlacement: 'private',
      defaultSize: 'small',
      defaultTtlHours: 4,
      logRetentionDays: 14,
      deletionProtection: false,
      flowLogs: false,
      databaseSubnets: false,
      prefix: 'automock',
      production: false,
    });
    expect(input).toEqual(valid);
    expect(Object.isFrozen(env)).toBe(true);
    expect(defineEnvironment({ ...valid, name: 'prod' }).production).toBe(true);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'name',
      { name: 'Dev_1' },
      /environment\[Dev_1\]\.name: "Dev_1": must be 1-12 characters of lowercase/,
    ],
    ['name length', { name: 'a-very-long-environment' }, /\.name: .*must be 1-12 characters/],
    ['accountId', { accountId: 12345 }, /\.accountId: 12345: must be a 12-digit AWS account id/],
    [
      'region',
      { region: 'useast1' },
      /\.region: "useast1": must be an AWS commercial region, one of af-south-1, .*us-east-1/,
    ],
    [
      'region that only looks real',
      { region: 'us-east-9' },
      /\.region: "us-east-9": must be an AWS commercial region/,
    ],
    [
      'region of another partition',
      { region: 'cn-north-1' },
      /\.region: "cn-north-1": must be a region of the commercial partition: cn-north-1 is in partition aws-cn/,
    ],
    [
      'domain longer than a certificate allows for *.<domain>',
      { domain: { name: `${'a'.repeat(51)}.example.com`, hostedZoneId: 'Z0123456789ABCDEFGHIJ' } },
      /\.domain\.name: "a{51}\.example\.com": must be at most 62 characters: the shared ALB's certificate is for \*\.<domain>, and ACM limits a certificate's first domain name to 64/,
    ],
    [
      'prefix making internal- load balancer names',
      { prefix: 'internal' },
      /\.prefix: "internal": must not make load balancer names that start with 'internal-'/,
    ],
    ['azCount', { azCount: 4 }, /\.azCount: 4: must be 2 or 3/],
    [
      'vpcCidr form',
      { vpcCidr: '10.0.0.1/16' },
      /\.vpcCidr: "10.0.0.1\/16": must be an IPv4 network in CIDR form with no host bits/,
    ],
    [
      'vpcCidr size',
      { vpcCidr: '10.0.0.0/8' },
      /\.vpcCidr: "10.0.0.0\/8": must have a prefix from \/16 to \/24/,
    ],
    ['nat', { nat: 'two' }, /\.nat: "two": must be 'none', 'single' or 'per-az'/],
    [
      'taskPlacement',
      { taskPlacement: 'dmz' },
      /\.taskPlacement: "dmz": must be 'private' or 'public'/,
    ],
    [
      'private needs NAT',
      { nat: 'none', taskPlacement: 'private' },
      /\.nat: "none": must be 'single' or 'per-az' when taskPlacement is 'private'/,
    ],
    [
      'defaultSize',
      { defaultSize: 'huge' },
      /\.defaultSize: "huge": must be one of small, medium, large, xlarge/,
    ],
    [
      'defaultTtlHours negative',
      { defaultTtlHours: -1 },
      /\.defaultTtlHours: -1: must be a whole number of hours from 0 \(never expire\) to 720/,
    ],
    [
      'defaultTtlHours cap',
      { defaultTtlHours: 1000 },
      /\.defaultTtlHours: 1000: must be a whole number/,
    ],
    [
      'defaultTtlHours fraction',
      { defaultTtlHours: 1.5 },
      /\.defaultTtlHours: 1.5: must be a whole number/,
    ],
    [
      'logRetentionDays',
      { logRetentionDays: 10 },
      /\.logRetentionDays: 10: must be one of CloudWatch's values/,
    ],
    [
      'domain.name',
      { domain: { name: 'Not A Domain', hostedZoneId: 'Z123' } },
      /\.domain\.name: "Not A Domain": must be a lowercase DNS name/,
    ],
    [
      'domain.hostedZoneId',
      { domain: { name: 'mocks.example.com', hostedZoneId: 'abc' } },
      /\.domain\.hostedZoneId: "abc": must be a Route53 hosted zone id/,
    ],
    [
      'notificationEmail',
      { notificationEmail: 'nobody' },
      /\.notificationEmail: "nobody": must be an email address/,
    ],
    [
      'deletionProtection',
      { deletionProtection: 'yes' },
      /\.deletionProtection: "yes": must be true or false/,
    ],
    ['flowLogs', { flowLogs: 1 }, /\.flowLogs: 1: must be true or false/],
    [
      'databaseSubnets',
      { databaseSubnets: 'on' },
      /\.databaseSubnets: "on": must be true or false/,
    ],
    ['prefix', { prefix: 'Auto_Mock' }, /\.prefix: "Auto_Mock": must be 1-20 lowercase/],
    [
      'tags reserved aws:',
      { tags: { 'aws:owner': 'x' } },
      /\.tags\.aws:owner: "aws:owner": key must be 1-128 characters and not start with 'aws:'/,
    ],
    [
      'tags reserved automock:',
      { tags: { 'automock:env': 'x' } },
      /key must not start with 'automock:'/,
    ],
    [
      'tags value',
      { tags: { Owner: 'x'.repeat(300) } },
      /\.tags\.Owner: .*value must be a string of at most 256/,
    ],
    [
      'tags value characters',
      { tags: { Team: 'R&D' } },
      /\.tags\.Team: "R&D": value must use only letters, digits, spaces and _ \. : \/ = \+ - @/,
    ],
    [
      'tags value parentheses',
      { tags: { Team: 'Platform (EU)' } },
      /\.tags\.Team: "Platform \(EU\)": value must use only/,
    ],
    [
      'tags key characters',
      { tags: { 'cost#center': 'x' } },
      /\.tags\.cost#center: "cost#center": key must use only/,
    ],
    ['tags key length', { tags: { ['k'.repeat(129)]: 'x' } }, /key must be 1-128 characters/],
    [
      'tags count',
      { tags: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`Tag${i}`, 'x'])) },
      /\.tags: 41: must have at most 40 tags \(AWS allows 50 per resource, default tags included/,
    ],
    [
      'suppression without reason',
      { suppressions: [{ id: 'AM-S3-1' }] },
      /\.suppressions\[0\]\.reason: undefined: must explain in words/,
    ],
    [
      'suppression id',
      { suppressions: [{ id: 'S3', reason: 'because we need it public' }] },
      /\.suppressions\[0\]\.id: "S3": must be a rule id like AM-S3-1/,
    ],
  ])('rejects a bad %s with field, value and rule', (_label, input, expected) => {
    const issues = issuesOf(input);
    expect(issues.join('\n')).toMatch(expected);
  });

  it('reports several problems together in one error message', () => {
    expect(() =>
      defineEnvironment({ ...valid, azCount: 5 as 2, region: 'mars', logRetentionDays: 2 }),
    ).toThrow(
      /Invalid environment "dev" \(3 problems\):\n {2}- environment\[dev\]\.region: got "mars", must be an AWS commercial region, one of [a-z0-9, -]+\n {2}- environment\[dev\]\.azCount: got 5, must be 2 or 3\n {2}- environment\[dev\]\.logRetentionDays: got 2/,
    );
  });

  it('rejects duplicate names in a set', () => {
    const a = defineEnvironment(valid);
    expect(() => checkEnvironmentSet([a, a])).toThrow(
      /environment\[dev\]\.name: got "dev", must be unique/,
    );
  });
});

describe('environment names and CI isolation', () => {
  const env = (name: string, extra: Partial<EnvironmentInput> = {}) =>
    defineEnvironment({ ...valid, name, ...extra });

  it.each(['tfstate', 'terraform', 'deployments'])(
    'rejects %s, the word of a shared state resource',
    (name) => {
      expect(issuesOf({ name })).toEqual([
        expect.stringMatching(
          new RegExp(
            `^environment\\[${name}\\]\\.name: "${name}": must not be one of tfstate, terraform, deployments`,
          ),
        ),
      ]);
    },
  );

  it('rejects dev-eu next to dev in one account, in either order, and names both', () => {
    expect(() => checkEnvironmentSet([env('dev'), env('dev-eu')])).toThrow(
      /environment\[dev-eu\]\.name: got "dev-eu", must not start with "dev-" while environment dev is in the same account 123456789012/,
    );
    expect(() => checkEnvironmentSet([env('dev-eu'), env('dev')])).toThrow(/dev-eu/);
  });

  it('allows dev-eu and dev in different accounts, and devx next to dev', () => {
    expect(() =>
      checkEnvironmentSet([env('dev'), env('dev-eu', { accountId: '210987654321' })]),
    ).not.toThrow();
    expect(() => checkEnvironmentSet([env('dev'), env('devx')])).not.toThrow();
  });

  it('requires one prefix per account (automock-dev-x would fall under automock-dev-*)', () => {
    expect(() =>
      checkEnvironmentSet([env('dev'), env('x', { prefix: 'automock-dev', region: 'eu-west-1' })]),
    ).toThrow(
      /environment\[x\]\.prefix: got "automock-dev", must equal "automock" \(the prefix of dev/,
    );
    expect(() =>
      checkEnvironmentSet([env('dev'), env('x', { prefix: 'other', accountId: '210987654321' })]),
    ).not.toThrow();
  });
});

describe('TTL limits and expiry warnings', () => {
  it('warns at 60 and 15 minutes by default, latest stage first', () => {
    expect(defineEnvironment(valid).expiryWarningMinutes).toEqual([60, 15]);
    expect(
      defineEnvironment({ ...valid, expiryWarningMinutes: [5, 120, 30] }).expiryWarningMinutes,
    ).toEqual([120, 30, 5]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['no stage', { expiryWarningMinutes: [] }, /expiryWarningMinutes: \[\]: must list 1-4/],
    ['a duplicate', { expiryWarningMinutes: [15, 15] }, /expiryWarningMinutes: \[15,15\]/],
    ['over a day', { expiryWarningMinutes: [1441] }, /expiryWarningMinutes: \[1441\]/],
    ['a fraction', { expiryWarningMinutes: [7.5] }, /expiryWarningMinutes: \[7\.5\]/],
    ['a max of 0', { maxTtlHours: 0 }, /maxTtlHours: 0: must be a whole number of hours from 1/],
    ['a max over 720', { maxTtlHours: 721 }, /maxTtlHours: 721/],
    [
      'a default above the max',
      { maxTtlHours: 8, defaultTtlHours: 12 },
      /defaultTtlHours: 12: must be from 1 to maxTtlHours \(8\)/,
    ],
    [
      'a never-expiring default with a max',
      { maxTtlHours: 8, defaultTtlHours: 0 },
      /defaultTtlHours: 0: must be from 1 to maxTtlHours/,
    ],
  ])('refuses %s', (_what, input, rule) => {
    expect(issuesOf(input).join('\n')).toMatch(rule);
  });
});
