import { asList, parseRef, StackModel, TfBlock, TfElement } from '../model';
import { iamGlob, ReadStatement, readPolicy } from '../policy-document';
import { errorRule, PolicyRule, RuleViolation } from '../rule';

// Services that start ECS tasks on a role's behalf: EventBridge Scheduler and EventBridge rules.
const INVOKERS = ['scheduler.amazonaws.com', 'events.amazonaws.com'];

/** Roles the Scheduler or EventBridge may assume, by their trust policy. */
function invokerRoles(stack: StackModel): TfElement[] {
  return stack.resources('aws_iam_role').filter((r) => {
    const trust = readPolicy(stack, r.body.assume_role_policy);
    if (!trust.ok) return false;
    const text = JSON.stringify(r.body.assume_role_policy ?? '');
    return INVOKERS.some((s) => text.includes(s));
  });
}

/** The role's inline policies' statements, or why one could not be read. */
function statementsOf(
  stack: StackModel,
  role: TfElement,
): { statements: ReadStatement[]; unreadable: RuleViolation[] } {
  const statements: ReadStatement[] = [];
  const unreadable: RuleViolation[] = [];
  for (const p of stack.attachedTo('aws_iam_role_policy', 'role', role)) {
    const read = readPolicy(stack, p.body.policy);
    if (read.ok) statements.push(...read.statements);
    else unreadable.push({ address: p.address, message: `policy ${read.reason}` });
  }
  return { statements, unreadable };
}

const allows = (s: ReadStatement, action: string) =>
  s.effect === 'Allow' && (s.actions ?? []).some((a) => iamGlob(a, action));

/** Task definitions the schedules and rule targets that use `role` start. */
function startedTaskDefinitions(stack: StackModel, role: TfElement): TfElement[] {
  const defs: unknown[] = [];
  for (const s of stack.resources('aws_scheduler_schedule'))
    for (const t of asList(s.body.target))
      if (stack.refersTo(t.role_arn, role))
        defs.push(...asList(t.ecs_parameters).map((e) => e.task_definition_arn));
  for (const t of stack.resources('aws_cloudwatch_event_target'))
    if (stack.refersTo(t.body.role_arn, role))
      defs.push(...asList(t.body.ecs_target).map((e) => e.task_definition_arn));
  return defs
    .map((d) => stack.resolve(parseRef(d)))
    .filter((d): d is TfElement => d?.type === 'aws_ecs_task_definition');
}

/** Whether `resource` designates only revisions of `family` (a reference or a literal ARN). */
function withinFamily(stack: StackModel, resource: string, defs: TfElement[]): boolean {
  const ref = parseRef(resource);
  if (ref) return defs.some((d) => stack.resolve(ref) === d);
  return defs.some((d) => {
    const family = d.body.family;
    if (typeof family !== 'string') return false;
    const m = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/([^:*?]+)(:\*|:\d+)?$/.exec(
      resource,
    );
    return m?.[1] === family;
  });
}

export const TASK_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-TASK-1',
    'Scheduler and EventBridge roles may run only the task definition family they start (ecs:RunTask never on *)',
    (stack) =>
      invokerRoles(stack).flatMap((role) => {
        const { statements, unreadable } = statementsOf(stack, role);
        const defs = startedTaskDefinitions(stack, role);
        const families = defs.map((d) => String(d.body.family)).join(', ') || 'none';
        const out: RuleViolation[] = [...unreadable];
        for (const s of statements.filter((x) => allows(x, 'ecs:RunTask'))) {
          const bad = [...(s.resources ?? []), ...(s.notResources ? ['NotResource'] : [])].filter(
            (r) => r === 'NotResource' || !withinFamily(stack, r, defs),
          );
          if (bad.length > 0)
            out.push({
              address: role.address,
              message: `allows ecs:RunTask on ${bad.join(', ')}, beyond the task definition family it starts (${families}): scope it to arn:aws:ecs:<region>:<account>:task-definition/<family>:*`,
            });
        }
        return out;
      }),
  ),
  errorRule(
    'AM-TASK-2',
    'Scheduler and EventBridge roles pass roles only to ECS tasks (iam:PassRole with iam:PassedToService ecs-tasks.amazonaws.com, never on *)',
    (stack) =>
      invokerRoles(stack).flatMap((role) => {
        const { statements } = statementsOf(stack, role);
        const out: RuleViolation[] = [];
        for (const s of statements.filter((x) => allows(x, 'iam:PassRole'))) {
          const passed = s.conditions.filter(
            (c) =>
              c.variable.toLowerCase() === 'iam:passedtoservice' &&
              ['StringEquals', 'StringLike'].includes(c.test),
          );
          const onlyEcs =
            passed.length > 0 &&
            passed.every(
              (c) => c.values.length > 0 && c.values.every((v) => v === 'ecs-tasks.amazonaws.com'),
            );
          if (!onlyEcs)
            out.push({
              address: role.address,
              message:
                'allows iam:PassRole without the condition StringEquals iam:PassedToService = ecs-tasks.amazonaws.com',
            });
          if ((s.resources ?? []).includes('*') || s.notResources)
            out.push({
              address: role.address,
              message:
                "allows iam:PassRole on every role: name the task's task and execution roles",
            });
        }
        return out;
      }),
  ),
  errorRule(
    'AM-TASK-3',
    'Dead-letter queues of schedules and event rules are encrypted (SQS-managed SSE or a KMS key)',
    (stack) => {
      const dlqArns: unknown[] = [];
      for (const s of stack.resources('aws_scheduler_schedule'))
        for (const t of asList(s.body.target))
          dlqArns.push(...asList(t.dead_letter_config).map((d: TfBlock) => d.arn));
      for (const t of stack.resources('aws_cloudwatch_event_target'))
        dlqArns.push(...asList(t.body.dead_letter_config).map((d: TfBlock) => d.arn));
      const queues = new Set(
        dlqArns
          .map((a) => stack.resolve(parseRef(a)))
          .filter((q): q is TfElement => q?.type === 'aws_sqs_queue'),
      );
      return [...queues]
        .filter((q) => q.body.sqs_managed_sse_enabled !== true && !q.body.kms_master_key_id)
        .map((q) => ({
          address: q.address,
          message:
            'is a dead-letter queue without encryption at rest: set sqs_managed_sse_enabled or kms_master_key_id',
        }));
    },
  ),
];
