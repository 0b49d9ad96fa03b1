import {
  defineProject,
  DERIVED_PORT_RANGE,
  LISTENER_PORT_RANGE,
  type Project,
  RULE_PRIORITY_BLOCK,
} from '@automock/core';
import {
  type Deployment,
  EnvironmentFullError,
  SlotTakenError,
  type SlotKind,
} from '@automock/registry';
import { loadAppModule } from '../environment/app-module';
import type { EnvironmentContext } from '../environment/environment-context';
import { CliError, EXIT } from '../errors';

/** The highest first priority of a block (core's derivedRulePriority never goes beyond it). */
const LAST_PRIORITY_BLOCK_START =
  1 + (Math.floor(50_000 / RULE_PRIORITY_BLOCK) - 2) * RULE_PRIORITY_BLOCK;

/**
 * The listener port (environment without a domain) or rule-priority block (with one) of an
 * ephemeral shared-ALB project, allocated through the registry with conditional writes, so two
 * deploys never get the same one. Starts from the project's hash-derived slot (it keeps its slot
 * across deploys), skips those of the projects the app declares, and with `requestedPort` takes
 * that port or refuses naming who holds it. Undefined for a dedicated project.
 */
export async function allocateSharedAlbSlot(
  ctx: EnvironmentContext,
  project: Project,
  opts: { readonly requestedPort?: number; readonly by: string },
): Promise<NonNullable<Deployment['albSlot']> | undefined> {
  const routing = project.routing;
  if (routing.kind === 'dedicated') return undefined;
  const declared = (loadAppModule().PROJECTS ?? [])
    .filter((d) => d.env === ctx.env.name && d.project.name !== project.name)
    .map((d) => defineProject(d.project, ctx.env));
  const kind: SlotKind = routing.kind === 'shared-port' ? 'listener-port' : 'rule-priority';
  try {
    if (routing.kind === 'shared-port') {
      const exact = opts.requestedPort !== undefined;
      const range = exact ? LISTENER_PORT_RANGE : DERIVED_PORT_RANGE;
      const value = await ctx.registry.slots.allocate(ctx.env.name, project.name, kind, {
        first: routing.port,
        min: range.min,
        max: range.max,
        exact,
        // 443 is the HTTPS listener's; declared projects' ports are theirs (not in the registry).
        reserved: [
          443,
          ...declared.flatMap((p) => (p.routing.kind === 'shared-port' ? [p.routing.port] : [])),
        ],
        by: opts.by,
      });
      return { kind, value };
    }
    const value = await ctx.registry.slots.allocate(ctx.env.name, project.name, kind, {
      first: routing.priority,
      min: 1,
      max: LAST_PRIORITY_BLOCK_START,
      step: RULE_PRIORITY_BLOCK,
      reserved: declared.flatMap((p) =>
        p.routing.kind === 'shared-host' ? [p.routing.priority] : [],
      ),
      by: opts.by,
    });
    return { kind, value };
  } catch (e) {
    if (e instanceof SlotTakenError)
      throw new CliError(
        `listenerPort: got ${e.slot}, ${e.message}; choose another --listener-port or leave it out to be given a free one`,
        [`automock status --env ${ctx.env.name} --project ${e.holder}`],
        EXIT.usage,
      );
    if (e instanceof EnvironmentFullError)
      throw new CliError(e.message, [`automock list --env ${ctx.env.name}`], EXIT.failure);
    throw e;
  }
}
