import type { ECSClient, Service } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  CONTROL_PLANE_HEADER,
  type DatabaseResolved,
  ecsClusterName,
  ecsServiceName,
  PGADMIN_SERVICE_NAME,
  resourceName,
  ResolvedService,
  Workload,
} from '@automock/core';
import { loadAppModule } from '../environment/app-module';
import { ecsClient, elbClient } from '../environment/aws';
import { CliError, EXIT } from '../errors';
import { type ServiceState, serviceState } from './status';

/** How many targets of a target group are in each ELB health state, or why it is unknown. */
export type TargetHealth =
  | {
      readonly targetGroupArn: string;
      /** Targets per state (`healthy`, `unhealthy`, `initial`, `draining`, ...). */
      readonly states: Readonly<Record<string, number>>;
    }
  | { readonly targetGroupArn: string; readonly error: string };

/** One service of a workload: ECS's view, and the health of its targets when it is routed. */
export interface WorkloadServiceStatus {
  /** The service's name in the workload definition. */
  readonly name: string;
  /** `shared`, `dedicated`, `internal` or `worker`. */
  readonly routing: ResolvedService['routing']['kind'];
  /** ECS service state; `error` when it could not be read. */
  readonly ecs: ServiceState | { readonly error: string };
  /** Target health of each target group the ECS service registers with (routed services only). */
  readonly targets: readonly TargetHealth[];
  /** Where the database's pgAdmin answers and how to get in (its entry only). @default - none */
  readonly pgAdmin?: PgAdminAccess;
}

/** How to reach a workload's pgAdmin on the environment's shared ALB. */
export interface PgAdminAccess {
  /** URL path on the shared ALB's listener, e.g. `/pgadmin`. */
  readonly path: string;
  /** Header the ALB requires (unless the caller's address is in `controlPlaneCidrs`). */
  readonly header: string;
  /** Secrets Manager name of the header's token. */
  readonly tokenSecret: string;
  /** Networks admitted without the header. */
  readonly controlPlaneCidrs: readonly string[];
  /** pgAdmin's login. */
  readonly email: string;
  /** Secrets Manager name of the login's generated password. */
  readonly passwordSecret: string;
}

/** The database's pgAdmin, as the workload status lists it (none when the database has none). */
export function workloadPgAdmin(w: Workload): PgAdminAccess | undefined {
  const p = (w.sections.database as DatabaseResolved | undefined)?.pgAdmin;
  return (
    p && {
      path: p.path,
      header: CONTROL_PLANE_HEADER,
      tokenSecret: p.tokenSecretName,
      controlPlaneCidrs: p.controlPlaneCidrs,
      email: p.email,
      passwordSecret: p.passwordSecretName,
    }
  );
}

/** Every service of one workload in one environment. */
export interface WorkloadStatus {
  readonly env: string;
  readonly workload: string;
  readonly stack: string;
  readonly services: readonly WorkloadServiceStatus[];
}

/** Clients {@link workloadStatus} uses; built for the environment's region when not given. */
export interface WorkloadStatusClients {
  readonly ecs: ECSClient;
  readonly elb: ElasticLoadBalancingV2Client;
}

// DescribeServices takes at most 10 services per call.
const DESCRIBE_BATCH = 10;

/**
 * The ECS cluster a workload's services run in: its own with `network: dedicated` (named like the
 * workload stack names it), else the environment's.
 */
export function workloadClusterName(w: Workload): string {
  const { prefix, name: env } = w.env;
  return w.network === 'dedicated'
    ? resourceName('ecsCluster', { prefix, env, project: w.name })
    : ecsClusterName(prefix, env);
}

/** The workload's services, as resolved by core's `services` section (none when absent). */
export function workloadServices(w: Workload): readonly ResolvedService[] {
  return (w.sections.services as readonly ResolvedService[] | undefined) ?? [];
}

/**
 * Asks ECS about every service of `w` (DescribeServices, ten at a time) and ELB about the target
 * health of each target group a routed service registers with (from the ECS service's own load
 * balancer list, so a renamed target group is still found).
 */
export async function workloadStatus(
  w: Workload,
  clients?: WorkloadStatusClients,
): Promise<WorkloadStatus> {
  // pgAdmin is a Fargate service on the shared ALB like a routed service; listed after them.
  const pgAdmin = workloadPgAdmin(w);
  const services: {
    readonly name: string;
    readonly routing: WorkloadServiceStatus['routing'];
    readonly pgAdmin?: PgAdminAccess;
  }[] = [
    ...workloadServices(w).map((s) => ({ name: s.name, routing: s.routing.kind })),
    ...(pgAdmin ? [{ name: PGADMIN_SERVICE_NAME, routing: 'shared' as const, pgAdmin }] : []),
  ];
  const cluster = workloadClusterName(w);
  const own = !clients;
  const c = clients ?? { ecs: ecsClient(w.env.region), elb: elbClient(w.env.region) };
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { DescribeServicesCommand } =
    require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs');
  const { DescribeTargetHealthCommand } =
    require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  /* eslint-enable @typescript-eslint/no-require-imports */
  try {
    const names = services.map((s) => ecsServiceName(w.env.prefix, w.env.name, w.name, s.name));
    const found = new Map<string, Service>();
    let describeError: string | undefined;
    for (let i = 0; i < names.length; i += DESCRIBE_BATCH) {
      try {
        const out = await c.ecs.send(
          new DescribeServicesCommand({
            cluster,
            services: names.slice(i, i + DESCRIBE_BATCH),
          }),
        );
        for (const s of out.services ?? []) if (s.serviceName) found.set(s.serviceName, s);
      } catch (e) {
        describeError = `${(e as Error).name}: ${(e as Error).message}`;
      }
    }
    const result: WorkloadServiceStatus[] = [];
    for (const [i, s] of services.entries()) {
      const service = names[i]!;
      const d = found.get(service);
      if (!d) {
        result.push({
          name: s.name,
          routing: s.routing,
          ecs: describeError
            ? { error: describeError }
            : {
                cluster,
                service,
                status: 'MISSING',
                running: 0,
                desired: 0,
                pending: 0,
                events: [],
              },
          targets: [],
          ...(s.pgAdmin && { pgAdmin: s.pgAdmin }),
        });
        continue;
      }
      const targets: TargetHealth[] = [];
      for (const lb of d.loadBalancers ?? []) {
        const arn = lb.targetGroupArn;
        if (!arn) continue;
        try {
          const h = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
          const states: Record<string, number> = {};
          for (const t of h.TargetHealthDescriptions ?? []) {
            const st = t.TargetHealth?.State ?? 'unknown';
            states[st] = (states[st] ?? 0) + 1;
          }
          targets.push({ targetGroupArn: arn, states });
        } catch (e) {
          targets.push({
            targetGroupArn: arn,
            error: `${(e as Error).name}: ${(e as Error).message}`,
          });
        }
      }
      result.push({
        name: s.name,
        routing: s.routing,
        ecs: serviceState(cluster, service, d),
        targets,
        ...(s.pgAdmin && { pgAdmin: s.pgAdmin }),
      });
    }
    return {
      env: w.env.name,
      workload: w.name,
      stack: `${w.env.name}-${w.name}`,
      services: result,
    };
  } finally {
    if (own) {
      c.ecs.destroy();
      c.elb.destroy();
    }
  }
}

/**
 * The declared workload `name` of environment `env`, validated by the app module's `planApp`
 * (stacks' discovery: YAML files and TypeScript declarations).
 *
 * @throws CliError (exit 2) for an app without workloads or a workload it does not declare in `env`.
 */
export function declaredWorkload(env: string, name: string): Workload {
  const app = loadAppModule();
  if (!app.planApp)
    throw new CliError(
      `workload: the app module declares no workloads (it exports no planApp)`,
      [],
      EXIT.usage,
    );
  // A bad definition throws core's ConfigValidationError: exit 2 naming the field.
  const plan = app.planApp({ environments: [env] });
  const w = plan.workloads.find((p) => p.workload.name === name && p.workload.env.name === env);
  if (!w) {
    const known = plan.workloads
      .filter((p) => p.workload.env.name === env)
      .map((p) => p.workload.name);
    throw new CliError(
      `workload: got ${JSON.stringify(name)}, not declared in environment ${env} (declared: ${
        known.length ? known.join(', ') : 'none'
      })`,
      [],
      EXIT.usage,
    );
  }
  return w.workload;
}
