import {
  defineEnvironment,
  IssueCollector,
  type Mail,
  mailSection,
  policyDocument,
  servicesSection,
} from '@automock/core';
import { applyStatements, planStatements } from '@automock/ci-access';
import { checkStacks } from '@automock/guardrails';
import { decide } from '@automock/test-support/iam';
import { TerraformOutput, Testing } from 'cdktf';
import { inventoryOf } from '../ci-inventory';
import { mailBuilder } from './mail';
import { servicesBuilder } from './services';
import { testWorkloadContext } from './testing';

const ACCOUNT = '123456789012';
const ENV = defineEnvironment({
  name: 'dev',
  accountId: ACCOUNT,
  region: 'us-east-1',
  domain: { name: 'dev.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
});
const arn = (rest: string) => `arn:aws:ses:us-east-1:${ACCOUNT}:${rest}`;
const IDENTITY_ARN = arn('identity/mail.dev.example.com');
const TEST_ARN = arn('identity/admin@example.com');
const SET_ARN = arn('configuration-set/automock-dev-shop-mail');

function resolved(input: Parameters<typeof mailSection.resolve>[0], env = ENV) {
  const issues = new IssueCollector();
  const r = mailSection.resolve(input, {
    env,
    workload: 'shop',
    issues,
    field: 'mail',
    declared: () => false,
  });
  issues.throwIfAny('mail');
  return r!;
}

function build(mail: Mail, env = ENV) {
  const ctx = testWorkloadContext({ env });
  mailBuilder.build(mail, ctx);
  const ref = ctx.provided.get(`mailIdentity/${mail.name}`)!;
  new TerraformOutput(ctx.stack, 'grants', { value: JSON.stringify(ref.grants) });
  const json = JSON.parse(Testing.synth(ctx.stack));
  // The ARNs Terraform would resolve the references to.
  const grants = JSON.parse(
    json.output.grants.value
      .replace(/\$\{aws_sesv2_email_identity\.[^}]*Domain[^}]*\.arn\}/g, IDENTITY_ARN)
      .replace(/\$\{aws_sesv2_email_identity\.[^}]*TestAddress0[^}]*\.arn\}/g, TEST_ARN)
      .replace(/\$\{aws_sesv2_configuration_set\.[^}]+\.arn\}/g, SET_ARN),
  );
  return { ctx, ref, json, grants };
}

describe('mail builder', () => {
  const s = build(resolved({ testAddresses: ['admin@example.com'] }));
  const all = (type: string): any[] => Object.values(s.json.resource[type] ?? {});
  const principal = {
    accountId: ACCOUNT,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-shop-backend`,
  };
  const ask = (statements: unknown, action: string, resource: string) =>
    decide(principal, [policyDocument(statements as never)], { action, resource });

  it('creates the identity in the environment zone with its records and a named configuration set', () => {
    expect(
      all('aws_sesv2_email_identity')
        .map((i) => i.email_identity)
        .sort(),
    ).toEqual(['admin@example.com', 'mail.dev.example.com']);
    expect(all('aws_sesv2_configuration_set').map((c) => c.configuration_set_name)).toEqual([
      'automock-dev-shop-mail',
    ]);
    const records = all('aws_route53_record');
    expect(records.every((r) => r.zone_id === 'Z0123456789ABCDEFGHIJ')).toBe(true);
    expect(records.map((r) => r.type).sort()).toEqual(['CNAME', 'CNAME', 'CNAME', 'TXT', 'TXT']);
  });

  it('provides a mailIdentity ref with the domain and configuration set', () => {
    expect(s.ref.kind).toBe('mailIdentity');
    expect(s.ref.name).toBe('mail');
    expect(s.ref.attributes).toEqual({
      domain: 'mail.dev.example.com',
      configurationSet: 'automock-dev-shop-mail',
    });
    expect(s.ref.grants!.read).toBeUndefined();
  });

  it('write sends from this identity only, and never manages it', async () => {
    const { write } = s.grants;
    expect(await ask(write, 'ses:SendEmail', IDENTITY_ARN)).toBe('Allowed');
    expect(await ask(write, 'ses:SendRawEmail', IDENTITY_ARN)).toBe('Allowed');
    expect(await ask(write, 'ses:SendEmail', TEST_ARN)).toBe('Allowed');
    expect(await ask(write, 'ses:SendEmail', SET_ARN)).toBe('Allowed');
    expect(await ask(write, 'ses:SendEmail', arn('identity/other.example.com'))).toBe(
      'ImplicitlyDenied',
    );
    expect(await ask(write, 'ses:DeleteEmailIdentity', IDENTITY_ARN)).toBe('ImplicitlyDenied');
    expect(await ask(write, 'ses:PutEmailIdentityDkimSigningAttributes', IDENTITY_ARN)).toBe(
      'ImplicitlyDenied',
    );
  });

  it('passes the mail guardrails', () => {
    const findings = checkStacks([
      { name: 'shop', json: s.json, environment: ENV } as never,
    ]).findings.filter((f) => f.ruleId.startsWith('AM-SES'));
    expect(findings).toEqual([]);
  });

  it('CI access: plan reads tagged identities; apply creates them only with the environment tag', async () => {
    const inventory = inventoryOf([s.ctx.stack as never]);
    expect(inventory.resources).toEqual(
      expect.arrayContaining([
        'aws_sesv2_email_identity',
        'aws_sesv2_configuration_set',
        'aws_route53_record',
      ]),
    );
    const scope = {
      partition: 'aws',
      accountId: ACCOUNT,
      region: 'us-east-1',
      prefix: 'automock',
      env: 'dev',
      stateBucket: 'automock-tfstate-123456789012-us-east-1',
      lockTable: 'automock-terraform-locks',
      stateRegion: 'us-east-1',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      domainName: 'dev.example.com',
    };
    const ci = { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-ci` };
    const plan = policyDocument(planStatements(scope, inventory));
    const tagged = { 'aws:ResourceTag/automock:env': 'dev' };
    const as = (doc: unknown, action: string, resource: string, context = {}) =>
      decide(ci, [doc as never], { action, resource, context });
    expect(await as(plan, 'ses:GetEmailIdentity', IDENTITY_ARN, tagged)).toBe('Allowed');
    expect(
      await as(plan, 'ses:GetEmailIdentity', IDENTITY_ARN, {
        'aws:ResourceTag/automock:env': 'prod',
      }),
    ).toBe('ImplicitlyDenied');
    expect(await as(plan, 'ses:DeleteEmailIdentity', IDENTITY_ARN, tagged)).toBe(
      'ImplicitlyDenied',
    );
    const apply = policyDocument(
      applyStatements(scope, inventory, {
        boundaryArn: `arn:aws:iam::${ACCOUNT}:policy/automock-dev-boundary`,
        ciRoleArns: [],
        protectedPolicyArns: [],
      }),
    );
    expect(
      await as(apply, 'ses:CreateEmailIdentity', IDENTITY_ARN, {
        'aws:RequestTag/automock:env': 'dev',
      }),
    ).toBe('Allowed');
    expect(await as(apply, 'ses:CreateEmailIdentity', IDENTITY_ARN)).toBe('ImplicitlyDenied');
    expect(await as(apply, 'ses:DeleteEmailIdentity', IDENTITY_ARN, tagged)).toBe('Allowed');
    expect(
      await as(apply, 'ses:DeleteEmailIdentity', IDENTITY_ARN, {
        'aws:ResourceTag/automock:env': 'prod',
      }),
    ).toBe('ImplicitlyDenied');
    expect(await as(apply, 'ses:PutEmailIdentityMailFromAttributes', IDENTITY_ARN, tagged)).toBe(
      'ImplicitlyDenied',
    );
  });

  it('without an environment domain: no records, the identity alone', () => {
    const bare = defineEnvironment({ name: 'dev', accountId: ACCOUNT, region: 'us-east-1' });
    const b = build(resolved({ domain: 'mail.example.org', configurationSet: false }, bare), bare);
    expect(b.json.resource.aws_route53_record).toBeUndefined();
    expect(b.json.resource.aws_sesv2_configuration_set).toBeUndefined();
    expect(Object.keys(b.json.resource.aws_sesv2_email_identity)).toHaveLength(1);
  });

  it('runs with the data sections, before services', () => {
    expect(mailBuilder.order).toBe(10);
  });

  it('a service naming the identity in its access list may send from it, and only that', async () => {
    const ctx = testWorkloadContext({ env: ENV });
    mailBuilder.build(resolved({}), ctx);
    const issues = new IssueCollector();
    const services = servicesSection.resolve(
      [{ name: 'backend', image: 'i', access: [{ mailIdentity: 'mail', mode: 'write' }] }],
      {
        env: ENV,
        workload: 'shop',
        issues,
        field: 'services',
        declared: (k, n) => k === 'mailIdentity' && n === 'mail',
      },
    );
    issues.throwIfAny('services');
    servicesBuilder.build(services!, ctx);
    const json = JSON.parse(Testing.synth(ctx.stack));
    const task = Object.values<any>(json.resource.aws_iam_role_policy).find(
      (p) => p.name === 'task',
    );
    const doc = JSON.parse(
      task.policy
        .replace(/\$\{aws_sesv2_email_identity\.[^}]*Domain[^}]*\.arn\}/g, IDENTITY_ARN)
        .replace(/\$\{aws_sesv2_configuration_set\.[^}]+\.arn\}/g, SET_ARN),
    );
    const as = (action: string, resource: string) => decide(principal, [doc], { action, resource });
    expect(await as('ses:SendEmail', IDENTITY_ARN)).toBe('Allowed');
    expect(await as('ses:SendRawEmail', IDENTITY_ARN)).toBe('Allowed');
    expect(await as('ses:SendEmail', arn('identity/other.example.com'))).toBe('ImplicitlyDenied');
    // Asking for read access is refused: a mail identity only grants sending.
    const bad = new IssueCollector();
    const reader = servicesSection.resolve(
      [{ name: 'backend', image: 'i', access: [{ mailIdentity: 'mail', mode: 'read' }] }],
      { env: ENV, workload: 'shop', issues: bad, field: 'services', declared: () => true },
    );
    const ctx2 = testWorkloadContext({ env: ENV });
    mailBuilder.build(resolved({}), ctx2);
    expect(() => servicesBuilder.build(reader!, ctx2)).toThrow(/grants no read access/);
  });
});
