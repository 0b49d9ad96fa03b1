import { asList } from '../model';
import { errorRule, PolicyRule } from '../rule';

const IDENTITY = 'aws_sesv2_email_identity';
const RECORD = 'aws_route53_record';

/** A literal string, or undefined for a Terraform reference (decided at plan). */
const literal = (v: unknown): string | undefined =>
  typeof v === 'string' && !v.includes('${') ? v : undefined;

/** Issue 14 M's mail section: rules for SES identities and the DNS records that authenticate them. */
export const SES_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-SES-1',
    'SES identities use Easy DKIM: no DKIM private key in the configuration or the state',
    // With Bring Your Own DKIM the private key is an argument, so it sits in the state in clear
    // text; Easy DKIM keeps the key inside SES, which also rotates it.
    (stack) =>
      stack
        .resources(IDENTITY)
        .filter((i) =>
          asList<Record<string, unknown>>(i.body.dkim_signing_attributes).some(
            (d) => d?.domain_signing_private_key !== undefined,
          ),
        )
        .map((i) => ({
          address: i.address,
          message: 'sets dkim_signing_attributes.domain_signing_private_key (Bring Your Own DKIM)',
        })),
  ),
  errorRule(
    'AM-SES-2',
    'SES domain identities whose DNS records the stack writes also publish a DMARC record',
    // Receivers increasingly refuse unauthenticated bulk mail; once the stack manages the
    // domain's records (DKIM, SPF), leaving DMARC out is an oversight, not a choice.
    (stack) => {
      const records = stack
        .resources(RECORD)
        .map((r) => ({ name: literal(r.body.name) ?? String(r.body.name ?? ''), body: r.body }));
      return stack
        .resources(IDENTITY)
        .map((i) => ({ i, domain: literal(i.body.email_identity) }))
        .filter(
          (x): x is { i: typeof x.i; domain: string } => !!x.domain && !x.domain.includes('@'),
        )
        .filter(({ domain }) =>
          records.some((r) => r.name === domain || r.name.endsWith(`.${domain}`)),
        )
        .filter(
          ({ domain }) =>
            !records.some(
              (r) =>
                r.name === `_dmarc.${domain}` &&
                r.body.type === 'TXT' &&
                asList<unknown>(r.body.records).some(
                  (v) => typeof v === 'string' && v.startsWith('v=DMARC1'),
                ),
            ),
        )
        .map(({ i, domain }) => ({
          address: i.address,
          message: `writes DNS records for ${domain} but no DMARC TXT record at _dmarc.${domain}`,
        }));
    },
  ),
];
