import {
  type BucketResolved,
  type EndpointResolved,
  type RepositoryResolved,
  resourceName,
} from '@automock/core';
import { ContainerRepository, ecrPullStatements, ecrPushStatements } from '@automock/ecs-service';
import { WorkloadEndpoints } from '@automock/network';
import { DataBucket } from '@automock/s3-config';
import type { WorkloadBuildContext, WorkloadSectionBuilder } from './section-builder';

/** A construct id from a workload name (`order-uploads` → `OrderUploads`). */
function idOf(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `buckets`: one {@link DataBucket} each, provided as kind `bucket` with read/write grants. */
export const bucketsBuilder: WorkloadSectionBuilder<readonly BucketResolved[]> = {
  key: 'buckets',
  order: 10,
  build(buckets, ctx) {
    for (const b of buckets) {
      const bucket = new DataBucket(ctx.scope, `Bucket${idOf(b.name)}`, {
        bucketName: b.bucketName,
        versioning: b.versioning,
        kmsKeyArn: b.kmsKeyArn,
        lifecycleRules: b.lifecycle,
        corsRules: b.cors,
        forceDestroy: b.forceDestroy,
        publicRead: b.public !== undefined,
      });
      ctx.provide({
        kind: 'bucket',
        name: b.name,
        arn: bucket.bucketArn,
        attributes: { bucketName: bucket.bucketName },
        grants: { read: bucket.readStatements(), write: bucket.writeStatements() },
      });
    }
  },
};

/**
 * `repositories`: a {@link ContainerRepository} where the environment creates it; elsewhere only
 * a reference to the creating environment's repository (same grants, ARN and URL by name).
 */
export const repositoriesBuilder: WorkloadSectionBuilder<readonly RepositoryResolved[]> = {
  key: 'repositories',
  order: 10,
  build(repositories, ctx) {
    for (const r of repositories) {
      let arn: string;
      let url: string;
      if (r.create) {
        const repo = new ContainerRepository(ctx.scope, `Repository${idOf(r.name)}`, {
          repositoryName: r.repositoryName,
          scanOnPush: r.scanOnPush,
          tagMutability: r.tagMutability,
          kmsKeyArn: r.kmsKeyArn,
          lifecyclePolicy: r.lifecyclePolicy,
          forceDelete: r.forceDelete,
        });
        arn = repo.repositoryArn;
        url = repo.repositoryUrl;
      } else {
        arn = `arn:aws:ecr:${r.region}:${r.accountId}:repository/${r.repositoryName}`;
        url = `${r.accountId}.dkr.ecr.${r.region}.amazonaws.com/${r.repositoryName}`;
      }
      ctx.provide({
        kind: 'repository',
        name: r.name,
        arn,
        attributes: { repositoryUrl: url, repositoryName: r.repositoryName },
        grants: { read: ecrPullStatements(arn), write: ecrPushStatements(arn) },
      });
    }
  },
};

/**
 * `endpoints`: VPC endpoints on the workload's network. A gateway endpoint the network already
 * has (the environment's network routes S3 and DynamoDB through gateway endpoints) is not created
 * again: AWS refuses a second one on the same route tables, and the existing one already serves
 * the workload.
 */
export const endpointsBuilder: WorkloadSectionBuilder<readonly EndpointResolved[]> = {
  key: 'endpoints',
  order: 10,
  build(endpoints, ctx: WorkloadBuildContext) {
    const existing = new Set(ctx.network.gatewayEndpointServices ?? []);
    const wanted = endpoints.filter((e) => {
      if (e.type !== 'Gateway' || !existing.has(e.service)) return true;
      if (e.policy)
        throw new Error(
          `workload[${ctx.env.name}/${ctx.workload}].endpoints: the network already has a ${e.service} gateway endpoint; its policy cannot be set from the workload (remove "policy", or deploy the workload on a dedicated network)`,
        );
      return false;
    });
    if (wanted.length === 0) return;
    new WorkloadEndpoints(ctx.scope, 'Endpoints', {
      vpcId: ctx.network.vpcId,
      vpcCidr: ctx.network.vpcCidr,
      privateSubnetIds: ctx.network.privateSubnetIds,
      privateRouteTableIds: ctx.network.privateRouteTableIds,
      endpoints: wanted,
      securityGroupName: resourceName('securityGroup', { ...ctx.nameParts, kind: 'endpoints' }),
    });
  },
};
