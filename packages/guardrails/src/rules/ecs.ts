import { HARDENING_EXCEPTION_LABELS, isPinnedByDigest } from '@automock/core';
import { asList, StackModel, TfElement } from '../model';
import { errorRule, PolicyRule, RuleViolation } from '../rule';
import { secretLookingNames } from './secrets';

interface ContainerDefinition {
  readonly name?: string;
  readonly image?: string;
  readonly user?: string;
  readonly readonlyRootFilesystem?: boolean;
  readonly dockerLabels?: Readonly<Record<string, string>>;
  readonly logConfiguration?: { readonly logDriver?: string };
  readonly environment?: readonly { readonly name?: string }[];
}

/** The containers of a task definition, or why they cannot be read. */
function containers(td: TfElement): ContainerDefinition[] | string {
  const raw = td.body.container_definitions;
  if (typeof raw !== 'string') return 'container_definitions is missing';
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return 'container_definitions is not a JSON list';
    return parsed as ContainerDefinition[];
  } catch {
    return 'container_definitions is not static JSON (write it with JSON.stringify so it can be checked)';
  }
}

function eachTaskDefinition(
  stack: StackModel,
  fn: (list: ContainerDefinition[]) => string | undefined,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const td of stack.resources('aws_ecs_task_definition')) {
    const list = containers(td);
    const message = typeof list === 'string' ? list : fn(list);
    if (message) out.push({ address: td.address, message });
  }
  return out;
}

const label = (c: ContainerDefinition, i: number) =>
  c.name ? `container ${c.name}` : `container #${i}`;

export const ECS_RULES: readonly PolicyRule[] = [
  {
    id: 'AM-ECS-1',
    meaning: 'ECS clusters have Container Insights on (warning outside production)',
    level: 'warning',
    productionLevel: 'error',
    check: (stack) =>
      stack
        .resources('aws_ecs_cluster')
        .filter(
          (c) =>
            !asList(c.body.setting).some(
              (s) =>
                s.name === 'containerInsights' && (s.value === 'enabled' || s.value === 'enhanced'),
            ),
        )
        .map((c) => ({
          address: c.address,
          message: 'has no setting containerInsights = enabled (or enhanced)',
        })),
  },
  errorRule(
    'AM-ECS-2',
    'Every container of a task definition sends its logs to a log driver',
    (stack) =>
      eachTaskDefinition(stack, (list) => {
        const silent = list.map((c, i) =>
          c.logConfiguration?.logDriver ? undefined : label(c, i),
        );
        const names = silent.filter((s): s is string => s !== undefined);
        return names.length > 0
          ? `${names.join(', ')} has no logConfiguration.logDriver`
          : undefined;
      }),
  ),
  errorRule(
    'AM-ECS-3',
    'Task definitions carry no secret-looking names (*PASSWORD*, *TOKEN*, *SECRET*, *KEY*) in plain environment variables',
    (stack) =>
      eachTaskDefinition(stack, (list) => {
        const found = list.flatMap((c, i) =>
          secretLookingNames(
            asList<{ name?: string }>(c.environment).map((e) => String(e.name)),
          ).map((n) => `${label(c, i)}: ${n}`),
        );
        return found.length > 0
          ? `plain environment variables look like secrets (${found.join('; ')}); pass them as "secrets" from Secrets Manager or SSM`
          : undefined;
      }),
  ),
  {
    id: 'AM-ECS-4',
    meaning:
      'Container images are pinned by digest (image@sha256:...), so a re-pushed tag cannot change what runs (warning outside production)',
    level: 'warning',
    productionLevel: 'error',
    check: (stack) =>
      eachTaskDefinition(stack, (list) => {
        const loose = list
          .map((c, i) =>
            typeof c.image === 'string' && isPinnedByDigest(c.image)
              ? undefined
              : `${label(c, i)} (${c.image ?? 'no image'})`,
          )
          .filter((s): s is string => s !== undefined);
        return loose.length > 0
          ? `images not pinned by digest: ${loose.join(', ')}; set the environment's images (repository:tag@sha256:...)`
          : undefined;
      }),
  },
  errorRule(
    'AM-ECS-5',
    `Containers run as a non-root user with a read-only root file system, or carry a docker label saying why not (${HARDENING_EXCEPTION_LABELS.root}, ${HARDENING_EXCEPTION_LABELS.writableRoot})`,
    (stack) =>
      eachTaskDefinition(stack, (list) => {
        const problems: string[] = [];
        list.forEach((c, i) => {
          const reason = (key: string) => (c.dockerLabels?.[key] ?? '').trim().length >= 10;
          if (isRootUser(c.user) && !reason(HARDENING_EXCEPTION_LABELS.root))
            problems.push(
              `${label(c, i)} runs as ${c.user === undefined ? "the image's user (unset, may be root)" : `root (${c.user})`}`,
            );
          if (c.readonlyRootFilesystem !== true && !reason(HARDENING_EXCEPTION_LABELS.writableRoot))
            problems.push(`${label(c, i)} has a writable root file system`);
        });
        return problems.length > 0
          ? `${problems.join('; ')}: set user and readonlyRootFilesystem, or a docker label with the reason`
          : undefined;
      }),
  ),
];

/** Unset (the image decides), `root`, uid 0, with or without a group. */
function isRootUser(user: string | undefined): boolean {
  if (user === undefined || user.trim() === '') return true;
  const u = user.split(':')[0]!.trim();
  return u === '0' || u === 'root';
}
