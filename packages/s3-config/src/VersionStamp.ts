import { Fn, TerraformResource, TerraformResourceLifecycle } from 'cdktf';
import { Construct } from 'constructs';

/** Props of {@link VersionStamp}. */
export interface VersionStampProps {
  /** Content hash; a new value replaces the stamp, and so takes a new time. */
  readonly hash: string;
  /** @default - the stack's default provider (terraform_data needs none) */
  readonly dependsOn?: TerraformResource[];
}

/**
 * A `terraform_data` resource that remembers the plan time at which `hash` last changed:
 * `plantimestamp()` changes every plan, `ignore_changes` keeps the first value, and
 * `triggers_replace` on the hash takes a new one when the content changes.
 *
 * Written against `TerraformResource` rather than cdktf's `DataResource` because the latter adds a
 * validation that runs `terraform version` in a child process for every stack at synthesis
 * (about 90 ms each, most of a project stack's synthesis time). The repository pins Terraform
 * 1.11, above the 1.4 that `terraform_data` needs.
 */
export class VersionStamp extends TerraformResource {
  private readonly hash: string;

  constructor(scope: Construct, id: string, props: VersionStampProps) {
    const lifecycle: TerraformResourceLifecycle = { ignoreChanges: ['input'] };
    super(scope, id, {
      terraformResourceType: 'terraform_data',
      terraformGeneratorMetadata: { providerName: 'terraform' },
      lifecycle,
      dependsOn: props.dependsOn,
    });
    this.hash = props.hash;
  }

  /** The remembered time (RFC 3339), as a token. */
  get timestamp(): string {
    return this.getStringAttribute('output.at');
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {
      input: { at: Fn.plantimestamp() },
      triggers_replace: { hash: this.hash },
    };
  }
}
