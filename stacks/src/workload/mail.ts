import { type Mail, resourceName } from '@automock/core';
import { MailIdentity } from '@automock/mail';
import type { WorkloadSectionBuilder } from './section-builder';

/**
 * Builds the `mail` section: the workload's SES domain identity, its DNS records in the
 * environment's hosted zone and its test addresses, provided as a `mailIdentity` ref whose only
 * grant is sending from it (`access: [{ mailIdentity: mail, mode: write }]`).
 */
export const mailBuilder: WorkloadSectionBuilder<Mail> = {
  key: 'mail',
  order: 10,
  build(mail, ctx) {
    const configurationSetName = mail.configurationSet
      ? resourceName('generic', { ...ctx.nameParts, kind: mail.name })
      : undefined;
    const identity = new MailIdentity(ctx.scope, `mail-${mail.name}`, {
      domain: mail.domain,
      region: ctx.env.region,
      ...(mail.hostedZoneId !== undefined ? { hostedZoneId: mail.hostedZoneId } : {}),
      testAddresses: mail.testAddresses,
      ...(mail.mailFrom ? { mailFrom: mail.mailFrom } : {}),
      dmarc: mail.dmarc,
      ...(configurationSetName !== undefined ? { configurationSetName } : {}),
    });
    ctx.provide({
      kind: 'mailIdentity',
      name: mail.name,
      arn: identity.arn,
      attributes: {
        domain: mail.domain,
        ...(configurationSetName !== undefined ? { configurationSet: configurationSetName } : {}),
      },
      grants: identity.grants(),
    });
  },
};
