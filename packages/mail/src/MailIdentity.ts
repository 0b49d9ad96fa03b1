import {
  dmarcRecord,
  type DmarcPolicy,
  type PolicyStatement,
  SES_SPF_RECORD,
} from '@automock/core';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Sesv2ConfigurationSet } from '@cdktf/provider-aws/lib/sesv2-configuration-set';
import { Sesv2EmailIdentity } from '@cdktf/provider-aws/lib/sesv2-email-identity';
import { Sesv2EmailIdentityMailFromAttributes } from '@cdktf/provider-aws/lib/sesv2-email-identity-mail-from-attributes';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

/** The actions that send mail through SES (v1 and v2 APIs both authorise against these). */
export const MAIL_SEND_ACTIONS = ['ses:SendEmail', 'ses:SendRawEmail'] as const;
/** Easy DKIM publishes three keys, one CNAME each. */
export const EASY_DKIM_TOKEN_COUNT = 3;

/** Props of {@link MailIdentity}. */
export interface MailIdentityProps {
  /** The domain mail is sent from, e.g. `mail.dev.example.com`. */
  readonly domain: string;
  /** Region of the identity, for the MAIL FROM MX record (`feedback-smtp.<region>.amazonses.com`). */
  readonly region: string;
  /**
   * Route53 zone that answers for `domain`: the DKIM, SPF, DMARC (and MAIL FROM) records go to it.
   * @default - no records: the identity stays unverified until they are published elsewhere
   */
  readonly hostedZoneId?: string;
  /** Addresses SES verifies (it emails each a confirmation link). @default [] */
  readonly testAddresses?: readonly string[];
  /** A custom MAIL FROM domain (a subdomain of `domain`). @default - none */
  readonly mailFrom?: {
    readonly domain: string;
    readonly behaviorOnMxFailure: 'USE_DEFAULT_VALUE' | 'REJECT_MESSAGE';
  };
  /** The DMARC record. @default { policy: 'quarantine', percent: 100, reportAddresses: [] } */
  readonly dmarc?: {
    readonly policy: DmarcPolicy;
    readonly percent: number;
    readonly reportAddresses: readonly string[];
  };
  /**
   * Name of a configuration set to create and make the identity's default.
   * @default - none
   */
  readonly configurationSetName?: string;
  /** TTL of the DNS records, in seconds. @default 1800 */
  readonly recordTtl?: number;
}

/**
 * An SES v2 domain identity with Easy DKIM (2048-bit keys SES rotates), and, when it is given a
 * hosted zone, the records that verify and authenticate it: three DKIM CNAMEs, SPF and DMARC TXT
 * records, and the MAIL FROM MX and SPF records. Test addresses are identities of their own.
 */
export class MailIdentity extends Construct {
  readonly identity: Sesv2EmailIdentity;
  /** ARN of the domain identity. */
  readonly arn: string;
  readonly testIdentities: readonly Sesv2EmailIdentity[];
  readonly configurationSet?: Sesv2ConfigurationSet;
  readonly records: readonly Route53Record[];

  constructor(scope: Construct, id: string, props: MailIdentityProps) {
    super(scope, id);
    const dmarc = props.dmarc ?? { policy: 'quarantine', percent: 100, reportAddresses: [] };
    const ttl = props.recordTtl ?? 1800;
    if (props.configurationSetName !== undefined)
      this.configurationSet = new Sesv2ConfigurationSet(this, 'ConfigurationSet', {
        configurationSetName: props.configurationSetName,
        // Refuse to hand mail to a receiving server over plain text.
        deliveryOptions: { tlsPolicy: 'REQUIRE' },
        reputationOptions: { reputationMetricsEnabled: true },
        sendingOptions: { sendingEnabled: true },
        // Never send again to an address that bounced or complained: repeated bounces put the
        // account's sending at risk.
        suppressionOptions: { suppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      });
    this.identity = new Sesv2EmailIdentity(this, 'Domain', {
      emailIdentity: props.domain,
      ...(this.configurationSet
        ? { configurationSetName: this.configurationSet.configurationSetName }
        : {}),
      // Easy DKIM: SES generates and rotates the key, so no private key lands in the state.
      dkimSigningAttributes: { nextSigningKeyLength: 'RSA_2048_BIT' },
    });
    this.arn = this.identity.arn;
    this.testIdentities = (props.testAddresses ?? []).map(
      (address, i) =>
        new Sesv2EmailIdentity(this, `TestAddress${i}`, {
          emailIdentity: address,
          ...(this.configurationSet
            ? { configurationSetName: this.configurationSet.configurationSetName }
            : {}),
        }),
    );
    if (props.mailFrom)
      new Sesv2EmailIdentityMailFromAttributes(this, 'MailFrom', {
        emailIdentity: this.identity.emailIdentity,
        mailFromDomain: props.mailFrom.domain,
        behaviorOnMxFailure: props.mailFrom.behaviorOnMxFailure,
      });

    const records: Route53Record[] = [];
    const zoneId = props.hostedZoneId;
    if (zoneId !== undefined) {
      const record = (rid: string, name: string, type: string, value: string) =>
        records.push(new Route53Record(this, rid, { zoneId, name, type, ttl, records: [value] }));
      const tokens = this.identity.dkimSigningAttributes.tokens;
      for (let i = 0; i < EASY_DKIM_TOKEN_COUNT; i++) {
        const token = Fn.element(tokens, i);
        record(
          `Dkim${i}`,
          `${token}._domainkey.${props.domain}`,
          'CNAME',
          `${token}.dkim.amazonses.com`,
        );
      }
      record('Spf', props.domain, 'TXT', SES_SPF_RECORD);
      record('Dmarc', `_dmarc.${props.domain}`, 'TXT', dmarcRecord(dmarc));
      if (props.mailFrom) {
        record(
          'MailFromMx',
          props.mailFrom.domain,
          'MX',
          `10 feedback-smtp.${props.region}.amazonses.com`,
        );
        record('MailFromSpf', props.mailFrom.domain, 'TXT', SES_SPF_RECORD);
      }
    }
    this.records = records;
  }

  /**
   * Send-only access: SendEmail and SendRawEmail on this identity, its test addresses (in the
   * SES sandbox SES also authorises the call against each verified recipient) and its
   * configuration set (authorised when a message uses it, as the identity's default does).
   */
  grants(): { write: PolicyStatement[] } {
    return {
      write: [
        {
          Effect: 'Allow',
          Action: [...MAIL_SEND_ACTIONS],
          Resource: [
            this.arn,
            ...this.testIdentities.map((t) => t.arn),
            ...(this.configurationSet ? [this.configurationSet.arn] : []),
          ],
        },
      ],
    };
  }
}
