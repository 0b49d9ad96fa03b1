import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { MailIdentity, type MailIdentityProps } from './index';

function synth(props: Partial<MailIdentityProps> = {}) {
  const s = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(s, 'aws', { region: 'eu-west-1' });
  const mail = new MailIdentity(s, 'Mail', {
    domain: 'mail.dev.example.com',
    region: 'eu-west-1',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    ...props,
  });
  new TerraformOutput(s, 'grants', { value: JSON.stringify(mail.grants()) });
  const json = JSON.parse(Testing.synth(s));
  const all = (type: string): any[] => Object.values(json.resource[type] ?? {});
  const records = all('aws_route53_record');
  const record = (name: string, type: string) =>
    records.filter((r) => r.name === name && r.type === type);
  return { mail, json, all, records, record, stack: s };
}

describe('MailIdentity', () => {
  test('a domain identity with Easy DKIM (2048-bit), no private key of our own', () => {
    const ids = synth().all('aws_sesv2_email_identity');
    expect(ids).toHaveLength(1);
    expect(ids[0].email_identity).toBe('mail.dev.example.com');
    expect(ids[0].dkim_signing_attributes).toEqual({ next_signing_key_length: 'RSA_2048_BIT' });
  });

  test('three DKIM CNAMEs <token>._domainkey.<domain> -> <token>.dkim.amazonses.com', () => {
    const { records } = synth();
    const dkim = records.filter((r) => r.type === 'CNAME');
    expect(dkim).toHaveLength(3);
    dkim.forEach((r, i) => {
      const token = `\${element(aws_sesv2_email_identity.Mail_Domain_`;
      expect(r.name).toContain(token);
      expect(r.name).toContain(
        `dkim_signing_attributes[0].tokens, ${i})}._domainkey.mail.dev.example.com`,
      );
      expect(r.records[0]).toContain(
        `dkim_signing_attributes[0].tokens, ${i})}.dkim.amazonses.com`,
      );
      expect(r.zone_id).toBe('Z0123456789ABCDEFGHIJ');
    });
  });

  test('SPF at the domain and DMARC at _dmarc.<domain>', () => {
    const s = synth({
      dmarc: { policy: 'reject', percent: 100, reportAddresses: ['d@example.com'] },
    });
    expect(s.record('mail.dev.example.com', 'TXT')[0].records).toEqual([
      'v=spf1 include:amazonses.com ~all',
    ]);
    expect(s.record('_dmarc.mail.dev.example.com', 'TXT')[0].records).toEqual([
      'v=DMARC1; p=reject; pct=100; rua=mailto:d@example.com',
    ]);
  });

  test('a MAIL FROM domain gets its attributes, its MX to feedback-smtp.<region> and its SPF', () => {
    const s = synth({
      mailFrom: { domain: 'bounce.mail.dev.example.com', behaviorOnMxFailure: 'REJECT_MESSAGE' },
    });
    const attrs = s.all('aws_sesv2_email_identity_mail_from_attributes');
    expect(attrs).toHaveLength(1);
    expect(attrs[0].mail_from_domain).toBe('bounce.mail.dev.example.com');
    expect(attrs[0].behavior_on_mx_failure).toBe('REJECT_MESSAGE');
    expect(s.record('bounce.mail.dev.example.com', 'MX')[0].records).toEqual([
      '10 feedback-smtp.eu-west-1.amazonses.com',
    ]);
    expect(s.record('bounce.mail.dev.example.com', 'TXT')[0].records).toEqual([
      'v=spf1 include:amazonses.com ~all',
    ]);
    expect(synth().all('aws_sesv2_email_identity_mail_from_attributes')).toHaveLength(0);
  });

  test('without a hosted zone no records are written', () => {
    expect(synth({ hostedZoneId: undefined }).records).toHaveLength(0);
  });

  test('test addresses are identities of their own', () => {
    const ids = synth({ testAddresses: ['admin@example.com', 'qa@example.com'] }).all(
      'aws_sesv2_email_identity',
    );
    expect(ids.map((i) => i.email_identity).sort()).toEqual([
      'admin@example.com',
      'mail.dev.example.com',
      'qa@example.com',
    ]);
  });

  test('the configuration set requires TLS, suppresses bounces and complaints, and is the default', () => {
    const s = synth({ configurationSetName: 'automock-dev-shop-mail' });
    const [set] = s.all('aws_sesv2_configuration_set');
    expect(set.configuration_set_name).toBe('automock-dev-shop-mail');
    expect(set.delivery_options.tls_policy).toBe('REQUIRE');
    expect(set.suppression_options.suppressed_reasons).toEqual(['BOUNCE', 'COMPLAINT']);
    expect(set.reputation_options.reputation_metrics_enabled).toBe(true);
    for (const id of s.all('aws_sesv2_email_identity'))
      expect(id.configuration_set_name).toMatch(/aws_sesv2_configuration_set\./);
    expect(synth().all('aws_sesv2_configuration_set')).toHaveLength(0);
  });

  test('grants: send only, on the identity, its test addresses and its configuration set', () => {
    const { json } = synth({
      testAddresses: ['admin@example.com'],
      configurationSetName: 'automock-dev-shop-mail',
    });
    const [st] = JSON.parse(json.output.grants.value).write;
    expect(st!.Action).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(st!.Resource).toEqual([
      '${aws_sesv2_email_identity.Mail_Domain_F8E38627.arn}',
      '${aws_sesv2_email_identity.Mail_TestAddress0_AAEC7F61.arn}',
      '${aws_sesv2_configuration_set.Mail_ConfigurationSet_D40E938E.arn}',
    ]);
  });
});
