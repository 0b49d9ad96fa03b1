import { NFS_PORT, type PolicyStatement } from '@automock/core';
import { EfsAccessPoint } from '@cdktf/provider-aws/lib/efs-access-point';
import { EfsFileSystem } from '@cdktf/provider-aws/lib/efs-file-system';
import { EfsMountTarget } from '@cdktf/provider-aws/lib/efs-mount-target';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, TerraformCount, Token } from 'cdktf';
import { Construct } from 'constructs';

/** An access point: the POSIX identity every request through it runs as, and its root. */
export interface SharedFileSystemAccessPoint {
  /** Name, unique in the file system (the construct id and `Name` tag suffix). */
  readonly name: string;
  /** Directory exposed as the root, absolute; EFS creates it with `permissions` if missing. */
  readonly path: string;
  /** POSIX user id. */
  readonly uid: number;
  /** POSIX group id. */
  readonly gid: number;
  /** Octal permissions of `path` when EFS creates it, e.g. `0755`. */
  readonly permissions: string;
}

/** Props of {@link SharedFileSystem}. */
export interface SharedFileSystemProps {
  /** EFS creation token (1-64 characters), also the `Name` tag. */
  readonly creationToken: string;
  /** KMS key encrypting the file system. @default - the AWS managed key `aws/elasticfilesystem` */
  readonly kmsKeyArn?: string;
  /**
   * Move files not read for this long to Infrequent Access (an EFS `TransitionToIA` value, e.g.
   * `AFTER_30_DAYS`). @default - files stay in Standard storage
   */
  readonly transitionToIa?: string;
  /** Move a file back to Standard on its first access after a transition. @default true */
  readonly backToStandardOnAccess?: boolean;
  /** Access points. @default [] */
  readonly accessPoints?: readonly SharedFileSystemAccessPoint[];
  /** VPC of the subnets. */
  readonly vpcId: string;
  /** Subnets that get a mount target each (the private subnets; may be a token list). */
  readonly subnetIds: string[];
  /** Security group name (core's `resourceName('securityGroup', ...)`). */
  readonly securityGroupName: string;
}

/**
 * An EFS file system that is always encrypted at rest, with a mount target in every subnet given,
 * optional Infrequent Access lifecycle, access points that impose a POSIX identity and a root
 * directory, and a security group that admits NFS only from the security groups given to
 * {@link SharedFileSystem.allowFrom}. Clients mount it with IAM authorization, so
 * {@link SharedFileSystem.mountStatement} is what a task role needs.
 */
export class SharedFileSystem extends Construct {
  readonly fileSystem: EfsFileSystem;
  readonly securityGroup: SecurityGroup;
  /** One per subnet (a counted resource). */
  readonly mountTargets: EfsMountTarget;
  /** By name. */
  readonly accessPoints: Readonly<Record<string, EfsAccessPoint>>;

  constructor(scope: Construct, id: string, props: SharedFileSystemProps) {
    super(scope, id);
    const transitions = [
      ...(props.transitionToIa ? [{ transitionToIa: props.transitionToIa }] : []),
      // EFS takes one transition per lifecycle_policy block.
      ...(props.transitionToIa && (props.backToStandardOnAccess ?? true)
        ? [{ transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }]
        : []),
    ];
    this.fileSystem = new EfsFileSystem(this, 'FileSystem', {
      creationToken: props.creationToken,
      encrypted: true,
      ...(props.kmsKeyArn && { kmsKeyId: props.kmsKeyArn }),
      ...(transitions.length > 0 && { lifecyclePolicy: transitions }),
      tags: { Name: props.creationToken },
    });
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: props.securityGroupName,
      description: `NFS to file system ${props.creationToken} from the services that mount it`,
      vpcId: props.vpcId,
      // Ingress: one rule per client (allowFrom). Mount targets answer; they open nothing.
      tags: { Name: props.securityGroupName },
    });
    // count over the list's length: plannable even when the subnet ids are known only at apply.
    const count = TerraformCount.of(Token.asNumber(Fn.lengthOf(props.subnetIds)));
    this.mountTargets = new EfsMountTarget(this, 'MountTarget', {
      count,
      fileSystemId: this.fileSystem.id,
      subnetId: Token.asString(Fn.element(props.subnetIds, Token.asNumber(count.index))),
      securityGroups: [this.securityGroup.id],
    });
    this.accessPoints = Object.fromEntries(
      (props.accessPoints ?? []).map((ap) => [
        ap.name,
        new EfsAccessPoint(this, `AccessPoint-${ap.name}`, {
          fileSystemId: this.fileSystem.id,
          posixUser: { uid: ap.uid, gid: ap.gid },
          rootDirectory: {
            path: ap.path,
            creationInfo: { ownerUid: ap.uid, ownerGid: ap.gid, permissions: ap.permissions },
          },
          tags: { Name: `${props.creationToken}-${ap.name}` },
        }),
      ]),
    );
  }

  /** Admits NFS (2049) from `sourceSecurityGroupId`, a client named `name`. */
  allowFrom(name: string, sourceSecurityGroupId: string): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, `From-${name}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: sourceSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: `NFS from ${name}`,
    });
  }

  /**
   * What a task role needs to mount the file system with IAM authorization: `ClientMount`, and
   * `ClientWrite` unless read-only, on this file system only, through `accessPoint` when given
   * (`elasticfilesystem:AccessPointArn`, the condition key EFS documents for mounts through an
   * access point).
   */
  mountStatement(opts: {
    readonly accessPoint?: string;
    readonly readOnly: boolean;
  }): PolicyStatement {
    const ap = opts.accessPoint === undefined ? undefined : this.accessPoints[opts.accessPoint];
    if (opts.accessPoint !== undefined && !ap)
      throw new Error(`file system ${this.node.id} has no access point ${opts.accessPoint}`);
    return {
      Effect: 'Allow',
      Action: [
        'elasticfilesystem:ClientMount',
        ...(opts.readOnly ? [] : ['elasticfilesystem:ClientWrite']),
      ],
      Resource: this.fileSystem.arn,
      ...(ap && { Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': ap.arn } } }),
    };
  }
}
