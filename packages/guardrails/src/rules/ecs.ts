import { asList, StackModel, TfElement } from '../model';
import { errorRule, PolicyRule, RuleViolation } from '../rule';
import { secretLookingNames } from './secrets';

interface ContainerDefinition {
  readonly name?: string;
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
];
