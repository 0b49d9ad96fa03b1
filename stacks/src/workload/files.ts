import {
  accessPointRefName,
  FILE_SYSTEM_ACCESS_POINT_KIND,
  FILE_SYSTEM_KIND,
  type ResolvedFileSystem,
} from '@automock/core';
import { SharedFileSystem } from '@automock/data-stores';
import type { WorkloadBuildContext, WorkloadSectionBuilder } from './section-builder';

/** Construct id of a file system (stable: renaming it replaces the file system and its data). */
function fileSystemId(name: string): string {
  return `Files-${name}`;
}

/**
 * The file system `name` the files builder (order 10) created, for the services that mount it:
 * their volumes, their task role's mount statements and the NFS rule admitting them.
 */
export function fileSystemOf(ctx: WorkloadBuildContext, name: string): SharedFileSystem {
  const fs = ctx.scope.node.tryFindChild(fileSystemId(name));
  if (!(fs instanceof SharedFileSystem))
    throw new Error(`files: file system ${name} has not been built (the files builder, order 10)`);
  return fs;
}

/**
 * Builds the `files` section: one encrypted EFS file system per entry, with a mount target in
 * each private subnet (where the services run) and its access points; each provided as a
 * `fileSystem` ref (attributes: id, security group) and each access point as a
 * `fileSystemAccessPoint` ref named `<fileSystem>/<accessPoint>`. Order 10, before the services
 * (20) that mount them; the services builder admits each mounting service to the file system.
 */
export const filesBuilder: WorkloadSectionBuilder<readonly ResolvedFileSystem[]> = {
  key: 'files',
  order: 10,
  build(files, ctx) {
    for (const f of files) {
      const fs = new SharedFileSystem(ctx.scope, fileSystemId(f.name), {
        creationToken: f.creationToken,
        ...(f.transitionToIa && { transitionToIa: f.transitionToIa }),
        backToStandardOnAccess: f.backToStandardOnAccess,
        accessPoints: f.accessPoints,
        vpcId: ctx.network.vpcId,
        // One mount target per AZ (EFS allows no more); any subnet of the VPC in that AZ, public
        // task subnets included, reaches it over the VPC's local route.
        subnetIds: ctx.network.privateSubnetIds,
        securityGroupName: f.securityGroupName,
      });
      ctx.provide({
        kind: FILE_SYSTEM_KIND,
        name: f.name,
        arn: fs.fileSystem.arn,
        attributes: { fileSystemId: fs.fileSystem.id, securityGroupId: fs.securityGroup.id },
      });
      for (const ap of f.accessPoints) {
        const point = fs.accessPoints[ap.name]!;
        ctx.provide({
          kind: FILE_SYSTEM_ACCESS_POINT_KIND,
          name: accessPointRefName(f.name, ap.name),
          arn: point.arn,
          attributes: { accessPointId: point.id, fileSystemId: fs.fileSystem.id },
        });
      }
    }
  },
};
