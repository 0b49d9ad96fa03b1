import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { TerraformIterator, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/** Props of {@link DnsValidatedCertificate}. */
export interface DnsValidatedCertificateProps extends TerraformMetaArguments {
  /** Name the certificate covers, e.g. `petstore.mocks.example.com` or `*.mocks.example.com`. */
  readonly domainName: string;
  /** Route53 hosted zone that answers for the name; receives the validation records. */
  readonly hostedZoneId: string;
}

/**
 * An ACM certificate validated through Route53 DNS records; `certificateArn` resolves only once
 * validation has completed, so listeners using it never see a pending certificate.
 */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  readonly validation: AcmCertificateValidation;
  /** ARN of the validated certificate. */
  readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    this.certificate = new AcmCertificate(this, 'Resource', {
      ...meta,
      domainName: props.domainName,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    // One record per distinct validation name (a wildcard and its apex share one).
    const options = TerraformIterator.fromComplexList(
      this.certificate.domainValidationOptions,
      'domain_name',
    );
    const records = new Route53Record(this, 'ValidationRecord', {
      ...meta,
      forEach: options,
      zoneId: props.hostedZoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 60,
      allowOverwrite: true,
    });
    this.validation = new AcmCertificateValidation(this, 'Validation', {
      ...meta,
      certificateArn: this.certificate.arn,
    });
    // Waits for exactly the records above (a for expression over the for_each'd resource).
    this.validation.addOverride(
      'validation_record_fqdns',
      `\${[for r in ${records.fqn} : r.fqdn]}`,
    );
    this.certificateArn = this.validation.certificateArn;
  }
}
