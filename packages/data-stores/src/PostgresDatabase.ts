import { POSTGRES_PORT, type PolicyStatement } from '@automock/core';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';

/** Props of {@link PostgresDatabase}. */
export interface PostgresDatabaseProps {
  /** DB instance identifier (core's `resourceName('rdsName', ...)`). */
  readonly identifier: string;
  /** Name of its parameter group. */
  readonly parameterGroupName: string;
  /** Parameter group family, e.g. `postgres17`. */
  readonly family: string;
  /** Major (`17`) or minor (`17.7`) PostgreSQL version. */
  readonly engineVersion: string;
  /** e.g. `db.t4g.micro`. */
  readonly instanceClass: string;
  /** Database created in the instance. */
  readonly databaseName: string;
  /** Master user; RDS generates its password and keeps it in Secrets Manager. */
  readonly username: string;
  /** GiB at creation (gp3). */
  readonly allocatedStorageGiB: number;
  /** Storage autoscaling limit, GiB; 0 turns autoscaling off. @default 0 */
  readonly maxAllocatedStorageGiB?: number;
  /** @default 7 */
  readonly backupRetentionDays?: number;
  /** @default false */
  readonly multiAz?: boolean;
  /**
   * Protects the instance from deletion and takes `finalSnapshotIdentifier` when it is destroyed;
   * without it, destroy skips the final snapshot (previews and dev). @default false
   */
  readonly deletionProtection?: boolean;
  /** Final snapshot name; required with `deletionProtection`. @default - none */
  readonly finalSnapshotIdentifier?: string;
  /** @default false */
  readonly performanceInsights?: boolean;
  /** @default 7 */
  readonly performanceInsightsRetentionDays?: number;
  /** Parameters of the parameter group (applied at the next reboot). @default {} */
  readonly parameters?: Readonly<Record<string, string>>;
  /** KMS key encrypting the storage. @default - the AWS managed key `aws/rds` */
  readonly kmsKeyArn?: string;
  /**
   * Give the instance a public address. Guardrail AM-RDS-2 refuses it unless the environment
   * suppresses the rule with a reason; the workload `database` section never sets it.
   * @default false
   */
  readonly publiclyAccessible?: boolean;
  /** VPC of the database subnets. */
  readonly vpcId: string;
  /** DB subnet group over the database subnets (network's `databaseSubnetGroupName`). */
  readonly subnetGroupName: string;
  /** Security group name (core's `resourceName('securityGroup', ...)`). */
  readonly securityGroupName: string;
  /** SSM parameter names of the connection (host, port, database, username; never the password). */
  readonly ssmParameters: {
    readonly host: string;
    readonly port: string;
    readonly database: string;
    readonly username: string;
  };
}

/**
 * An RDS for PostgreSQL instance that is always encrypted at rest, private unless told otherwise
 * (and then flagged by AM-RDS-2), backed up, on gp3 storage with optional autoscaling, with a
 * parameter group of its own, its master password generated and rotated by RDS in Secrets
 * Manager (`manage_master_user_password`: no password in the configuration or the state), the
 * connection in SSM parameters, and a security group that admits PostgreSQL only from the security
 * groups given to {@link PostgresDatabase.allowFrom}.
 */
export class PostgresDatabase extends Construct {
  readonly instance: DbInstance;
  readonly parameterGroup: DbParameterGroup;
  readonly securityGroup: SecurityGroup;
  /** ARN of the secret RDS keeps the master user's credentials in. */
  readonly masterUserSecretArn: string;
  /** The SSM parameters, by what they hold. */
  readonly parameters: Readonly<Record<'host' | 'port' | 'database' | 'username', SsmParameter>>;
  private readonly sources: string[] = [];

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    if (props.deletionProtection && !props.finalSnapshotIdentifier)
      throw new Error(
        `PostgresDatabase ${props.identifier}: finalSnapshotIdentifier is required with deletionProtection`,
      );
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: props.securityGroupName,
      description: `PostgreSQL ${props.identifier}: from its clients only`,
      vpcId: props.vpcId,
      // No inline rules: ingress comes from allowFrom, and the database starts no connection.
      ingress: [],
      egress: [],
      tags: { Name: props.securityGroupName },
    });
    this.parameterGroup = new DbParameterGroup(this, 'ParameterGroup', {
      name: props.parameterGroupName,
      family: props.family,
      description: `Parameters of ${props.identifier}`,
      // pending-reboot is accepted for static and dynamic parameters alike.
      parameter: Object.entries(props.parameters ?? {}).map(([name, value]) => ({
        name,
        value,
        applyMethod: 'pending-reboot',
      })),
      lifecycle: { createBeforeDestroy: true },
    });
    const max = props.maxAllocatedStorageGiB ?? 0;
    const protect = props.deletionProtection ?? false;
    const insights = props.performanceInsights ?? false;
    this.instance = new DbInstance(this, 'Instance', {
      identifier: props.identifier,
      engine: 'postgres',
      engineVersion: props.engineVersion,
      instanceClass: props.instanceClass,
      dbName: props.databaseName,
      username: props.username,
      manageMasterUserPassword: true,
      allocatedStorage: props.allocatedStorageGiB,
      ...(max > 0 && { maxAllocatedStorage: max }),
      storageType: 'gp3',
      storageEncrypted: true,
      ...(props.kmsKeyArn && { kmsKeyId: props.kmsKeyArn }),
      dbSubnetGroupName: props.subnetGroupName,
      vpcSecurityGroupIds: [this.securityGroup.id],
      publiclyAccessible: props.publiclyAccessible ?? false,
      multiAz: props.multiAz ?? false,
      parameterGroupName: this.parameterGroup.name,
      backupRetentionPeriod: props.backupRetentionDays ?? 7,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      deletionProtection: protect,
      skipFinalSnapshot: !protect,
      ...(protect && { finalSnapshotIdentifier: props.finalSnapshotIdentifier }),
      performanceInsightsEnabled: insights,
      ...(insights && {
        performanceInsightsRetentionPeriod: props.performanceInsightsRetentionDays ?? 7,
      }),
    });
    this.masterUserSecretArn = this.instance.masterUserSecret.get(0).secretArn;
    const param = (key: keyof PostgresDatabaseProps['ssmParameters'], value: string) =>
      new SsmParameter(this, `Parameter-${key}`, {
        name: props.ssmParameters[key],
        type: 'String',
        value,
        description: `PostgreSQL ${props.identifier}: ${key}`,
      });
    this.parameters = {
      host: param('host', this.instance.address),
      port: param('port', Token.asString(this.instance.port)),
      database: param('database', props.databaseName),
      username: param('username', props.username),
    };
  }

  /** Admits PostgreSQL (5432/tcp) from the given security group; once per source. */
  allowFrom(name: string, sourceSecurityGroupId: string): void {
    if (this.sources.includes(name))
      throw new Error(`PostgresDatabase: ${name} is already allowed`);
    this.sources.push(name);
    new VpcSecurityGroupIngressRule(this, `From-${name}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: sourceSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description: `PostgreSQL from ${name}`,
    });
  }

  /**
   * Read access: the master user's credentials (the RDS-managed secret, encrypted with the AWS
   * managed key, which grants its use to any caller allowed the secret) and the connection
   * parameters. There is no write grant: clients change data over PostgreSQL, not IAM.
   */
  grants(): { read: PolicyStatement[] } {
    return {
      read: [
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: this.masterUserSecretArn,
        },
        {
          Effect: 'Allow',
          Action: ['ssm:GetParameter', 'ssm:GetParameters'],
          Resource: Object.values(this.parameters).map((p) => p.arn),
        },
      ],
    };
  }
}
