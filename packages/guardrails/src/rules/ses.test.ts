import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Sesv2EmailIdentity } from '@cdktf/provider-aws/lib/sesv2-email-identity';
import { check, findings, testStack } from '../testing/fixtures';

const ZONE = 'Z0123456789ABCDEFGHIJ';
const DOMAIN = 'mail.dev.example.com';

function record(stack: any, id: string, name: string, type: string, value: string) {
  new Route53Record(stack, id, { zoneId: ZONE, name, type, ttl: 300, records: [value] });
}

describe('SES rules (issue 14 M mail)', () => {
  test('AM-SES-1: Easy DKIM passes; a DKIM private key in the configuration is an error', () => {
    const ok = testStack();
    new Sesv2EmailIdentity(ok.stack, 'd', {
      emailIdentity: DOMAIN,
      dkimSigningAttributes: { nextSigningKeyLength: 'RSA_2048_BIT' },
    });
    new Sesv2EmailIdentity(ok.stack, 'a', { emailIdentity: 'admin@example.com' });
    expect(findings(check(ok.app), 'AM-SES-1')).toHaveLength(0);
    const bad = testStack();
    new Sesv2EmailIdentity(bad.stack, 'd', {
      emailIdentity: DOMAIN,
      dkimSigningAttributes: { domainSigningPrivateKey: 'MIIEv...', domainSigningSelector: 'k1' },
    });
    expect(findings(check(bad.app), 'AM-SES-1').map((f) => f.severity)).toEqual(['error']);
  });

  test('AM-SES-2: a managed domain with a DMARC record passes; without one it is an error', () => {
    const ok = testStack();
    new Sesv2EmailIdentity(ok.stack, 'd', { emailIdentity: DOMAIN });
    record(ok.stack, 'spf', DOMAIN, 'TXT', 'v=spf1 include:amazonses.com ~all');
    record(ok.stack, 'dmarc', `_dmarc.${DOMAIN}`, 'TXT', 'v=DMARC1; p=quarantine; pct=100');
    expect(findings(check(ok.app), 'AM-SES-2')).toHaveLength(0);

    const bad = testStack();
    new Sesv2EmailIdentity(bad.stack, 'd', { emailIdentity: DOMAIN });
    record(bad.stack, 'spf', DOMAIN, 'TXT', 'v=spf1 include:amazonses.com ~all');
    const f = findings(check(bad.app), 'AM-SES-2');
    expect(f.map((x) => x.severity)).toEqual(['error']);
    expect(f[0]!.message).toContain(`_dmarc.${DOMAIN}`);
  });

  test('AM-SES-2: an identity whose records the stack does not write is not checked', () => {
    const { app, stack } = testStack();
    new Sesv2EmailIdentity(stack, 'd', { emailIdentity: DOMAIN });
    record(stack, 'other', 'api.dev.example.com', 'CNAME', 'x.example.com');
    expect(findings(check(app), 'AM-SES-2')).toHaveLength(0);
  });
});
