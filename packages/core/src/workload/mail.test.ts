import Ajv from 'ajv';
import { defineEnvironment, type Environment } from '../environment';
import { IssueCollector, type ValidationIssue } from '../errors';
import { dmarcRecord, emailAddressProblem, type MailInput, mailSection } from './mail';

const DEV = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'eu-west-1' });
const ZONED = defineEnvironment({
  name: 'dev',
  accountId: '123456789012',
  region: 'eu-west-1',
  domain: { name: 'dev.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
});

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(mailSection.schema);
function schemaErrors(value: unknown): string[] {
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`.trim());
}

function run(
  input: MailInput,
  env: Environment = ZONED,
): { resolved: ReturnType<typeof mailSection.resolve>; issues: readonly ValidationIssue[] } {
  expect(schemaErrors(input)).toEqual([]);
  const issues = new IssueCollector();
  const resolved = mailSection.resolve(input, {
    env,
    workload: 'shop',
    issues,
    field: 'workload[dev/shop].mail',
    declared: () => false,
  });
  return { resolved, issues: issues.issues };
}

describe('mail section', () => {
  test('defaults: mail.<environment domain> in its zone, quarantine DMARC, a configuration set', () => {
    const { resolved, issues } = run({});
    expect(issues).toEqual([]);
    expect(resolved).toEqual({
      name: 'mail',
      domain: 'mail.dev.example.com',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      testAddresses: [],
      dmarc: { policy: 'quarantine', percent: 100, reportAddresses: [] },
      configurationSet: true,
    });
  });

  test('declares a mailIdentity by its name', () => {
    expect(mailSection.declares!({ name: 'notify' }, 'mail')).toEqual([
      { kind: 'mailIdentity', name: 'notify', field: 'mail.name' },
    ]);
    expect(mailSection.declares!({}, 'mail')[0]!.name).toBe('mail');
    expect(mailSection.declares!('nonsense', 'mail')).toEqual([]);
  });

  test('a domain outside the environment domain is refused (its records could not be written)', () => {
    const { resolved, issues } = run({ domain: 'mail.other.com' });
    expect(resolved).toBeUndefined();
    expect(issues).toEqual([
      expect.objectContaining({
        field: 'workload[dev/shop].mail.domain',
        value: 'mail.other.com',
        rule: expect.stringContaining('must be dev.example.com or inside it'),
      }),
    ]);
    // A suffix that is not a label boundary is not inside the domain either.
    expect(run({ domain: 'maildev.example.com' }).issues).toHaveLength(1);
    expect(run({ domain: 'dev.example.com' }).issues).toEqual([]);
  });

  test('without an environment domain the domain is required, and has no zone', () => {
    const missing = run({}, DEV);
    expect(missing.issues.map((i) => i.field)).toEqual(['workload[dev/shop].mail.domain']);
    const { resolved } = run({ domain: 'mail.example.org' }, DEV);
    expect(resolved!.domain).toBe('mail.example.org');
    expect(resolved!.hostedZoneId).toBeUndefined();
  });

  test('malformed domains are refused with the rule', () => {
    expect(run({ domain: 'Mail.Example.com' }).issues[0]!.rule).toContain('lowercase DNS name');
    expect(run({ domain: 'mail..dev.example.com' }).issues).toHaveLength(1);
  });

  test('test and report addresses must be email addresses', () => {
    const { resolved, issues } = run({
      testAddresses: ['admin@example.com', 'not-an-address', 'a..b@example.com'],
      dmarc: { reportAddresses: ['dmarc@example.com', 'xy@'] },
    });
    expect(resolved).toBeUndefined();
    expect(issues.map((i) => [i.field, i.value])).toEqual([
      ['workload[dev/shop].mail.testAddresses[1]', 'not-an-address'],
      ['workload[dev/shop].mail.testAddresses[2]', 'a..b@example.com'],
      ['workload[dev/shop].mail.dmarc.reportAddresses[1]', 'xy@'],
    ]);
    expect(emailAddressProblem(`${'a'.repeat(65)}@example.com`)).toBeDefined();
    expect(emailAddressProblem('first.last+tag@sub.example.co.uk')).toBeUndefined();
  });

  test('MAIL FROM is a subdomain of the mail domain', () => {
    const { resolved } = run({ mailFrom: { subdomain: 'bounce' } });
    expect(resolved!.mailFrom).toEqual({
      domain: 'bounce.mail.dev.example.com',
      behaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    });
    expect(schemaErrors({ mailFrom: { subdomain: 'Bounce.x' } })).not.toEqual([]);
  });

  test('the schema refuses unknown keys, bad policies and percentages', () => {
    expect(schemaErrors({ domains: 'x' })).not.toEqual([]);
    expect(schemaErrors({ dmarc: { policy: 'block' } })).not.toEqual([]);
    expect(schemaErrors({ dmarc: { percent: 0 } })).not.toEqual([]);
    expect(schemaErrors({ dmarc: { percent: 101 } })).not.toEqual([]);
    expect(schemaErrors({ testAddresses: ['a@example.com', 'a@example.com'] })).not.toEqual([]);
  });

  test('every schema property has a description, and the schema matches MailInput', () => {
    const props = (mailSection.schema as { properties: Record<string, { description?: string }> })
      .properties;
    const keys: (keyof MailInput)[] = [
      'name',
      'domain',
      'testAddresses',
      'mailFrom',
      'dmarc',
      'configurationSet',
    ];
    expect(Object.keys(props).sort()).toEqual([...keys].sort());
    for (const p of Object.values(props)) expect(p.description).toBeTruthy();
  });

  test('the DMARC record carries the policy, the percentage and the report addresses', () => {
    expect(dmarcRecord({ policy: 'reject', percent: 50, reportAddresses: [] })).toBe(
      'v=DMARC1; p=reject; pct=50',
    );
    expect(
      dmarcRecord({
        policy: 'none',
        percent: 100,
        reportAddresses: ['a@example.com', 'b@example.com'],
      }),
    ).toBe('v=DMARC1; p=none; pct=100; rua=mailto:a@example.com,mailto:b@example.com');
  });
});
