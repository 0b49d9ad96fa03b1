import type { SecretGenerate } from '@automock/core';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { ITerraformDependable, TerraformStack } from 'cdktf';
import { Construct, Node } from 'constructs';
import type { ResourceGrants } from './grants';

/** Props of {@link Secret}. */
export interface SecretProps {
  /** Secret name (core's `resourceName('secret', ...)`). */
  readonly secretName: string;
  /** What the secret is for. @default - none */
  readonly description?: string;
  /**
   * Let Secrets Manager generate the value at the first apply, with these options; when absent
   * the secret is created empty and a person puts its value (`aws secretsmanager put-secret-value`).
   * @default - no value
   */
  readonly generate?: SecretGenerate;
  /** Customer managed KMS key. @default - the AWS managed key aws/secretsmanager */
  readonly kmsKeyArn?: string;
  /** Days a deleted secret can be restored: 0 or 7-30. @default 30 */
  readonly recoveryWindowDays?: number;
  /** Resources to create first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Terraform type of the ephemeral resource that calls GetRandomPassword. */
export const RANDOM_PASSWORD_EPHEMERAL = 'aws_secretsmanager_random_password';

/**
 * A Secrets Manager secret whose value never passes through the repository, the synthesised
 * JSON or Terraform state.
 *
 * With `generate`, an ephemeral `aws_secretsmanager_random_password` (Secrets Manager's
 * GetRandomPassword, called during plan and apply, never stored) feeds the write-only
 * `secret_string_wo` of the version (Terraform >= 1.11, AWS provider >= 5.x; this repository
 * pins provider 6.25 through @cdktf/provider-aws 21.22.1 and uses Terraform 1.11). Write-only
 * values are not kept in plan or state, so `secret_string_wo_version` stays 1: the value is
 * written once and later plans, which draw a new password, change nothing. cdktf 0.21 has no
 * binding for ephemeral resources, so the block is added to the stack with `addOverride`.
 */
export class Secret extends Construct {
  readonly secret: SecretsmanagerSecret;
  /** The version holding the generated value; absent when a person puts the value. */
  readonly version?: SecretsmanagerSecretVersion;
  readonly arn: string;
  readonly name: string;
  private readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    this.kmsKeyArn = props.kmsKeyArn;
    this.secret = new SecretsmanagerSecret(this, 'Secret', {
      dependsOn: props.dependsOn,
      name: props.secretName,
      ...(props.description ? { description: props.description } : {}),
      ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
      recoveryWindowInDays: props.recoveryWindowDays ?? 30,
    });
    this.arn = this.secret.arn;
    this.name = this.secret.name;
    const g = props.generate;
    if (!g) return;
    // Terraform identifiers: letters, digits, '_' and '-'; the path makes it unique in the stack.
    const ephemeralId = `${Node.of(this).path.replace(/[^A-Za-z0-9_-]+/g, '_')}_password`;
    TerraformStack.of(this).addOverride(`ephemeral.${RANDOM_PASSWORD_EPHEMERAL}.${ephemeralId}`, {
      password_length: g.length,
      ...(g.excludeCharacters ? { exclude_characters: g.excludeCharacters } : {}),
      exclude_punctuation: g.excludePunctuation,
      exclude_uppercase: g.excludeUppercase,
      exclude_lowercase: g.excludeLowercase,
      exclude_numbers: g.excludeNumbers,
      include_space: g.includeSpace,
      require_each_included_type: g.requireEachIncludedType,
    });
    this.version = new SecretsmanagerSecretVersion(this, 'Version', {
      secretId: this.secret.id,
      secretStringWo: `\${ephemeral.${RANDOM_PASSWORD_EPHEMERAL}.${ephemeralId}.random_password}`,
      secretStringWoVersion: 1,
    });
  }

  /**
   * Read: the value and the description of this secret only, and with a customer managed key,
   * kms:Decrypt on that key (GetSecretValue decrypts with the caller's permissions).
   */
  grants(): Pick<ResourceGrants, 'read'> {
    return {
      read: [
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: this.arn,
        },
        ...(this.kmsKeyArn
          ? [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: this.kmsKeyArn }]
          : []),
      ],
    };
  }

  /** The command that puts a value into a secret created without one. */
  static putValueCommand(secretName: string): string {
    return `aws secretsmanager put-secret-value --secret-id ${secretName} --secret-string file://value.txt`;
  }
}
