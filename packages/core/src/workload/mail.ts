import type { WorkloadSection, WorkloadSectionContext } from './section';

/** What a receiving server should do with mail that fails DMARC. */
export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

/** The DMARC record published at `_dmarc.<domain>`. */
export interface MailDmarcInput {
  /** Policy for mail that fails DMARC. @default 'quarantine' */
  readonly policy?: DmarcPolicy;
  /** Percentage of failing mail the policy applies to (1-100). @default 100 */
  readonly percent?: number;
  /** Addresses that receive aggregate reports (`rua=mailto:`). @default [] (no reports) */
  readonly reportAddresses?: readonly string[];
}

/** A custom MAIL FROM domain: bounces go to `<subdomain>.<domain>` instead of amazonses.com. */
export interface MailFromInput {
  /** Label under the mail domain, e.g. `bounce` for `bounce.<domain>`. */
  readonly subdomain: string;
  /**
   * When SES cannot find the MX record: send from amazonses.com, or refuse to send.
   * @default 'USE_DEFAULT_VALUE'
   */
  readonly behaviorOnMxFailure?: 'USE_DEFAULT_VALUE' | 'REJECT_MESSAGE';
}

/** The `mail` section as written: one SES domain identity of the workload. */
export interface MailInput {
  /**
   * Name other sections use (`access: [{ mailIdentity: mail, mode: write }]`).
   * @default 'mail'
   */
  readonly name?: string;
  /**
   * The domain mail is sent from. Inside the environment's domain when it has one (its DKIM, SPF
   * and DMARC records are then written to the environment's hosted zone).
   * @default `mail.<environment domain>`; required when the environment has no domain
   */
  readonly domain?: string;
  /**
   * Addresses SES verifies (it emails each a link): in the SES sandbox, mail goes only to
   * verified addresses. @default []
   */
  readonly testAddresses?: readonly string[];
  /** A custom MAIL FROM domain. @default - none: SES's own amazonses.com MAIL FROM */
  readonly mailFrom?: MailFromInput;
  /** The DMARC record. @default - every default of {@link MailDmarcInput} */
  readonly dmarc?: MailDmarcInput;
  /**
   * Create a configuration set for the identity (TLS required to receiving servers, bounces and
   * complaints suppressed, reputation metrics). @default true
   */
  readonly configurationSet?: boolean;
}

/** The `mail` section with every default filled in. */
export interface Mail {
  readonly name: string;
  readonly domain: string;
  /**
   * Route53 zone the records go to: the environment's, when `domain` is inside its domain.
   * @default - none: the environment has no domain; DNS records are the user's to publish
   */
  readonly hostedZoneId?: string;
  readonly testAddresses: readonly string[];
  /** The full MAIL FROM domain. @default - none */
  readonly mailFrom?: {
    readonly domain: string;
    readonly behaviorOnMxFailure: 'USE_DEFAULT_VALUE' | 'REJECT_MESSAGE';
  };
  readonly dmarc: {
    readonly policy: DmarcPolicy;
    readonly percent: number;
    readonly reportAddresses: readonly string[];
  };
  readonly configurationSet: boolean;
}

/** The SPF record SES's documentation gives for a domain that sends through SES. */
export const SES_SPF_RECORD = 'v=spf1 include:amazonses.com ~all';

// RFC 5321 limits an address to 254 characters and its local part to 64; SES refuses the rest.
const ADDRESS_RE =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const LABEL_PATTERN = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';
const NAME_PATTERN = '^[a-z][a-z0-9-]{0,31}$';

/** Why `address` is not an email address SES would take, or undefined. */
export function emailAddressProblem(address: string): string | undefined {
  if (address.length > 254) return 'must be at most 254 characters';
  if (!ADDRESS_RE.test(address) || address.startsWith('.') || address.includes('..'))
    return 'must be an email address (local@domain.tld)';
  return undefined;
}

const addresses = (description: string) => ({
  type: 'array',
  default: [],
  maxItems: 100,
  uniqueItems: true,
  description,
  items: { type: 'string', minLength: 3, maxLength: 254 },
});

const schema = {
  type: 'object',
  additionalProperties: false,
  description:
    'An SES domain identity for transactional mail: Easy DKIM, SPF and DMARC records, verified test addresses.',
  properties: {
    name: {
      type: 'string',
      pattern: NAME_PATTERN,
      default: 'mail',
      description: 'Name other sections use (access: [{ mailIdentity: <name>, mode: write }]).',
    },
    domain: {
      type: 'string',
      minLength: 3,
      maxLength: 253,
      description:
        "Domain mail is sent from, inside the environment's domain (default mail.<environment domain>).",
    },
    testAddresses: addresses('Addresses SES verifies, for sending in the SES sandbox.'),
    mailFrom: {
      type: 'object',
      additionalProperties: false,
      required: ['subdomain'],
      description: 'A custom MAIL FROM domain <subdomain>.<domain> (MX and SPF records).',
      properties: {
        subdomain: {
          type: 'string',
          pattern: LABEL_PATTERN,
          description: 'Label under the mail domain, e.g. bounce.',
        },
        behaviorOnMxFailure: {
          type: 'string',
          enum: ['USE_DEFAULT_VALUE', 'REJECT_MESSAGE'],
          default: 'USE_DEFAULT_VALUE',
          description: 'Without the MX record: send from amazonses.com, or refuse to send.',
        },
      },
    },
    dmarc: {
      type: 'object',
      additionalProperties: false,
      description: 'The DMARC record at _dmarc.<domain>.',
      properties: {
        policy: {
          type: 'string',
          enum: ['none', 'quarantine', 'reject'],
          default: 'quarantine',
          description: 'Policy for mail that fails DMARC.',
        },
        percent: {
          type: 'integer',
          minimum: 1,
          maximum: 100,
          default: 100,
          description: 'Percentage of failing mail the policy applies to.',
        },
        reportAddresses: addresses('Addresses that receive aggregate reports (rua=mailto:).'),
      },
    },
    configurationSet: {
      type: 'boolean',
      default: true,
      description:
        'A configuration set: TLS required, bounces and complaints suppressed, reputation metrics.',
    },
  },
};

function checkAddresses(list: readonly string[], field: string, ctx: WorkloadSectionContext): void {
  list.forEach((a, i) => {
    const problem = emailAddressProblem(a);
    if (problem) ctx.issues.add(`${field}[${i}]`, a, problem);
  });
}

/** The `mail` section: the workload's SES domain identity and its DNS records. */
export const mailSection: WorkloadSection<MailInput, Mail> = {
  key: 'mail',
  schema,
  declares(input, field) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return [];
    const name = (input as { name?: unknown }).name;
    if (name !== undefined && typeof name !== 'string') return [];
    return [{ kind: 'mailIdentity', name: name ?? 'mail', field: `${field}.name` }];
  },
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const zone = ctx.env.domain;
    const domain = input.domain ?? (zone ? `mail.${zone.name}` : undefined);
    if (domain === undefined)
      ctx.issues.add(
        `${ctx.field}.domain`,
        undefined,
        'must be given: the environment has no domain to default to mail.<domain>',
      );
    else if (!DOMAIN_RE.test(domain))
      ctx.issues.add(
        `${ctx.field}.domain`,
        domain,
        'must be a lowercase DNS name of labels of 1-63 letters, digits and hyphens',
      );
    else if (zone && domain !== zone.name && !domain.endsWith(`.${zone.name}`))
      ctx.issues.add(
        `${ctx.field}.domain`,
        domain,
        `must be ${zone.name} or inside it: its DKIM, SPF and DMARC records go to the environment's hosted zone`,
      );
    const testAddresses = input.testAddresses ?? [];
    checkAddresses(testAddresses, `${ctx.field}.testAddresses`, ctx);
    const d = input.dmarc ?? {};
    const reportAddresses = d.reportAddresses ?? [];
    checkAddresses(reportAddresses, `${ctx.field}.dmarc.reportAddresses`, ctx);
    const mailFromDomain =
      input.mailFrom && domain ? `${input.mailFrom.subdomain}.${domain}` : undefined;
    if (mailFromDomain && mailFromDomain.length > 253)
      ctx.issues.add(
        `${ctx.field}.mailFrom.subdomain`,
        input.mailFrom!.subdomain,
        'makes the MAIL FROM domain longer than 253 characters',
      );
    if (ctx.issues.issues.length !== before || domain === undefined) return undefined;
    return {
      name: input.name ?? 'mail',
      domain,
      ...(zone ? { hostedZoneId: zone.hostedZoneId } : {}),
      testAddresses,
      ...(mailFromDomain
        ? {
            mailFrom: {
              domain: mailFromDomain,
              behaviorOnMxFailure: input.mailFrom!.behaviorOnMxFailure ?? 'USE_DEFAULT_VALUE',
            },
          }
        : {}),
      dmarc: { policy: d.policy ?? 'quarantine', percent: d.percent ?? 100, reportAddresses },
      configurationSet: input.configurationSet ?? true,
    };
  },
};

/** The DMARC TXT record's value for a resolved policy. */
export function dmarcRecord(dmarc: Mail['dmarc']): string {
  const parts = ['v=DMARC1', `p=${dmarc.policy}`, `pct=${dmarc.percent}`];
  if (dmarc.reportAddresses.length > 0)
    parts.push(`rua=${dmarc.reportAddresses.map((a) => `mailto:${a}`).join(',')}`);
  return parts.join('; ');
}
