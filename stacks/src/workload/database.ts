import { DATABASE_REF, type DatabaseResolved, POSTGRES_PORT, resourceName } from '@automock/core';
import { PostgresDatabase } from '@automock/data-stores';
import { PgAdminService } from '@automock/ecs-service';
import type { WorkloadBuildContext, WorkloadSectionBuilder } from './section-builder';

/** Construct id of the workload's database (stable: renaming it replaces the instance). */
const DATABASE_ID = 'database';
/** Construct id of its pgAdmin. */
const PGADMIN_ID = 'pgadmin';

function databaseOf(ctx: WorkloadBuildContext): PostgresDatabase {
  const db = ctx.scope.node.tryFindChild(DATABASE_ID);
  if (!(db instanceof PostgresDatabase))
    throw new Error('database: the database builder (order 10) has not run');
  return db;
}

/**
 * pgAdmin of the database, on the environment's shared ALB (core refuses pgAdmin on a workload
 * without one), admitted by the database on 5432.
 */
function buildPgAdmin(
  ctx: WorkloadBuildContext,
  d: DatabaseResolved,
  p: NonNullable<DatabaseResolved['pgAdmin']>,
  db: PostgresDatabase,
): PgAdminService {
  const alb = ctx.sharedAlb;
  if (!alb)
    throw new Error(
      `database: pgAdmin of workload ${ctx.workload} needs the shared ALB, and none is given`,
    );
  return new PgAdminService(ctx.scope, PGADMIN_ID, {
    ...ctx.nameParts,
    region: ctx.env.region,
    clusterName: ctx.cluster.name,
    clusterArn: ctx.cluster.arn,
    vpcId: ctx.network.vpcId,
    subnetIds: ctx.network.publicTasks ? ctx.network.publicSubnetIds : ctx.network.privateSubnetIds,
    assignPublicIp: ctx.network.publicTasks,
    image: p.image,
    email: p.email,
    size: { cpu: p.cpu, memory: p.memory },
    path: p.path,
    alb: { listenerArn: alb.listenerArn, securityGroupId: alb.securityGroupId },
    priority: p.priority,
    controlPlaneCidrs: p.controlPlaneCidrs,
    passwordSecretName: p.passwordSecretName,
    tokenSecretName: p.tokenSecretName,
    targetGroupName: p.targetGroupName,
    database: {
      securityGroupId: db.securityGroup.id,
      // Listed in pgAdmin at start; the master password stays in the RDS-managed secret.
      server: {
        name: ctx.workload,
        host: db.instance.address,
        database: d.databaseName,
        username: d.username,
      },
    },
    // The workload listener is HTTPS when the environment has a domain.
    https: ctx.env.domain !== undefined,
    logRetentionDays: ctx.env.logRetentionDays,
    permissionsBoundary: ctx.permissionsBoundary,
  });
}

/**
 * Builds the `database` section: the RDS PostgreSQL instance in the network's database subnets,
 * provided as the `database` ref (attributes: address, port, security group, secret and SSM
 * names, pgAdmin's path and secrets when it has one; read grant: the RDS-managed secret and the
 * SSM parameters), and its pgAdmin. Order 10, before the services, which read it.
 */
export const databaseBuilder: WorkloadSectionBuilder<DatabaseResolved> = {
  key: 'database',
  order: 10,
  build(d, ctx) {
    const { databaseSubnetGroupName } = ctx.network;
    if (databaseSubnetGroupName === undefined)
      throw new Error(
        `database: the network of workload ${ctx.workload} has no database subnets (environment ${ctx.env.name} needs databaseSubnets: true)`,
      );
    const db = new PostgresDatabase(ctx.scope, DATABASE_ID, {
      identifier: d.identifier,
      parameterGroupName: d.parameterGroupName,
      family: d.family,
      engineVersion: d.engineVersion,
      instanceClass: d.instanceClass,
      databaseName: d.databaseName,
      username: d.username,
      allocatedStorageGiB: d.allocatedStorageGiB,
      maxAllocatedStorageGiB: d.maxAllocatedStorageGiB,
      backupRetentionDays: d.backupRetentionDays,
      multiAz: d.multiAz,
      deletionProtection: d.deletionProtection,
      ...(d.finalSnapshotIdentifier && { finalSnapshotIdentifier: d.finalSnapshotIdentifier }),
      performanceInsights: d.performanceInsights,
      performanceInsightsRetentionDays: d.performanceInsightsRetentionDays,
      parameters: d.parameters,
      vpcId: ctx.network.vpcId,
      subnetGroupName: databaseSubnetGroupName,
      securityGroupName: resourceName('securityGroup', { ...ctx.nameParts, kind: 'postgres' }),
      ssmParameters: d.ssmParameters,
    });
    const pgAdmin = d.pgAdmin && buildPgAdmin(ctx, d, d.pgAdmin, db);
    ctx.provide({
      ...DATABASE_REF,
      arn: db.instance.arn,
      attributes: {
        address: db.instance.address,
        port: String(POSTGRES_PORT),
        databaseName: d.databaseName,
        securityGroupId: db.securityGroup.id,
        masterUserSecretArn: db.masterUserSecretArn,
        hostParameter: d.ssmParameters.host,
        portParameter: d.ssmParameters.port,
        databaseParameter: d.ssmParameters.database,
        usernameParameter: d.ssmParameters.username,
        ...(pgAdmin && {
          pgAdminPath: pgAdmin.path,
          pgAdminSecurityGroupId: pgAdmin.securityGroupId,
          pgAdminPasswordSecretArn: pgAdmin.password.arn,
          pgAdminTokenSecretArn: pgAdmin.token.secretArn,
        }),
      },
      grants: db.grants(),
    });
  },
};

/**
 * The database's clients: admits PostgreSQL from each client service's security group. Order
 * 25, after the services (20) provided their groups; a second builder of the same section, so
 * the services may read the database (order 10) and the database admit the services.
 */
export const databaseClientsBuilder: WorkloadSectionBuilder<DatabaseResolved> = {
  key: 'database',
  order: 25,
  build(d, ctx) {
    const db = databaseOf(ctx);
    for (const service of d.clients) {
      const sg = ctx.lookup('service', service).attributes?.securityGroupId;
      if (!sg) throw new Error(`database: service ${service} provides no securityGroupId`);
      db.allowFrom(service, sg);
    }
  },
};
