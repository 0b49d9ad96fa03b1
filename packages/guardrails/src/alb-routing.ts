import { isInternetCidr } from '@automock/core';
import { asList, parseRef, StackModel, TfBlock, TfElement } from './model';

/** An anonymous request from the internet: it picks its host, method, query and headers freely. */
export interface Probe {
  /** Request path, e.g. `/mockserver/expectation`. */
  readonly path: string;
}

/** What the load balancer does with a probe on one listener. */
export interface RouteOutcome {
  /** The listener: a Terraform address in this stack, or the `listener_arn` expression of rules on another stack's listener. */
  readonly listener: string;
  /** `forward`: it reaches a target; `refused`: a fixed response, redirect or authentication; `external-default`: no rule matched and the listener's default lives in another stack. */
  readonly outcome: 'forward' | 'refused' | 'external-default';
  /** The rule or listener whose action decided, or undefined for an external default. */
  readonly decidedBy?: string;
}

const RULE_TYPES = ['aws_lb_listener_rule', 'aws_alb_listener_rule'];
const LISTENER_TYPES = ['aws_lb_listener', 'aws_alb_listener'];
const SECRET_SOURCES = new Set([
  'aws_secretsmanager_secret_version',
  'aws_ssm_parameter',
  'aws_secretsmanager_random_password',
]);

/** ALB path patterns: case-sensitive, `*` any run of characters, `?` exactly one. */
export function albPatternMatches(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

/** A header value the public cannot know: a reference to a secret, not a literal in the JSON. */
function isSecretValue(v: unknown): boolean {
  const ref = parseRef(v);
  return ref !== undefined && SECRET_SOURCES.has(ref.type);
}

/**
 * Whether only an authorised caller can satisfy a rule condition: a source-ip condition that
 * leaves the internet out, or a header condition whose every value is a secret reference.
 */
export function restrictsCaller(c: TfBlock): boolean {
  const source = asList(c.source_ip)[0];
  if (source && !asList<string>(source.values).some((v) => isInternetCidr(String(v)))) return true;
  return asList(c.http_header).some((h) => {
    const values = [...asList(h.values), ...asList(h.regex_values)];
    return values.length > 0 && values.every(isSecretValue);
  });
}

/**
 * Whether an anonymous internet request can satisfy a rule condition. Host, method, query string
 * and non-secret headers are the caller's to choose, so they match; a source-ip condition matches
 * only when it admits the internet; a header condition matches unless every value is a secret.
 */
function conditionMatches(c: TfBlock, probe: Probe): boolean {
  const path = asList(c.path_pattern)[0];
  if (path) {
    const values = asList<string>(path.values);
    if (asList(path.regex_values).length > 0) return true;
    if (!values.some((v) => typeof v === 'string' && albPatternMatches(v, probe.path)))
      return false;
  }
  return !restrictsCaller(c);
}

function classify(actions: unknown): 'forward' | 'refused' {
  const list = asList(actions).sort((a, b) => Number(a.order ?? 0) - Number(b.order ?? 0));
  if (list.some((a) => a.type === 'authenticate-oidc' || a.type === 'authenticate-cognito'))
    return 'refused';
  return list.some((a) => a.type === 'forward') ? 'forward' : 'refused';
}

/**
 * Where an anonymous internet request for `probe.path` ends up on each listener of the stack, by
 * evaluating the listener rules in priority order and then the listener's default action, as
 * the ALB does. Rules on a listener of another stack (an environment's shared listener) fall
 * through to `external-default`: that listener's own stack is checked for its default.
 */
export function routeProbe(stack: StackModel, probe: Probe): RouteOutcome[] {
  const listeners = new Map<string, TfElement>();
  for (const l of stack.resources(...LISTENER_TYPES)) listeners.set(`\${${l.address}.arn}`, l);
  const rulesBy = new Map<string, TfElement[]>();
  for (const r of stack.resources(...RULE_TYPES)) {
    const key = String(r.body.listener_arn);
    rulesBy.set(key, [...(rulesBy.get(key) ?? []), r]);
  }
  const keys = new Set([...listeners.keys(), ...rulesBy.keys()]);
  const out: RouteOutcome[] = [];
  for (const key of keys) {
    const listener = listeners.get(key);
    const rules = [...(rulesBy.get(key) ?? [])].sort(
      (a, b) => Number(a.body.priority ?? 0) - Number(b.body.priority ?? 0),
    );
    const hit = rules.find((r) =>
      asList(r.body.condition).every((c) => conditionMatches(c, probe)),
    );
    const name = listener?.address ?? key;
    if (hit)
      out.push({ listener: name, outcome: classify(hit.body.action), decidedBy: hit.address });
    else if (listener)
      out.push({
        listener: name,
        outcome: classify(listener.body.default_action),
        decidedBy: listener.address,
      });
    else out.push({ listener: name, outcome: 'external-default' });
  }
  return out;
}

/** Paths of MockServer's control plane an attacker would try. */
export const CONTROL_PLANE_PROBES: readonly Probe[] = [
  { path: '/mockserver/expectation' },
  { path: '/mockserver/reset' },
  { path: '/mockserver/dashboard' },
  { path: '/_mockserver_ui_websocket' },
  { path: '/_mockserver_callback_websocket' },
];

/** A mocked API path. */
export const DATA_PLANE_PROBE: Probe = { path: '/pets/1' };

const MOCKSERVER_IMAGE_RE = /(^|\/)mockserver(:|@|$)/;

/** True when a task definition of the stack runs MockServer. */
export function runsMockServer(stack: StackModel): boolean {
  return stack.resources('aws_ecs_task_definition').some((td) => {
    const raw = td.body.container_definitions;
    if (typeof raw !== 'string') return false;
    try {
      const list = JSON.parse(raw) as { image?: string }[];
      return list.some(
        (c) => typeof c.image === 'string' && MOCKSERVER_IMAGE_RE.test(c.image.split('@')[0]!),
      );
    } catch {
      return false;
    }
  });
}

/**
 * Web UIs that administer a database (pgAdmin, Adminer, phpMyAdmin), by image repository: each
 * holds credentials to a database, so the internet must never reach one anonymously.
 */
export const ADMIN_UI_IMAGE_RE = /(^|\/)(pgadmin4?|adminer|phpmyadmin)(:|@|$)/;

/**
 * Target groups of the stack that an ECS service running an admin UI registers its tasks in, with
 * the image that makes it one.
 */
export function adminTargetGroups(stack: StackModel): Map<TfElement, string> {
  const out = new Map<TfElement, string>();
  for (const svc of stack.resources('aws_ecs_service')) {
    const td = stack.resolve(parseRef(svc.body.task_definition));
    const raw = td?.body.container_definitions;
    if (typeof raw !== 'string') continue;
    let image: string | undefined;
    try {
      image = (JSON.parse(raw) as { image?: unknown }[])
        .map((c) => (typeof c.image === 'string' ? c.image : ''))
        .find((i) => ADMIN_UI_IMAGE_RE.test(i.split('@')[0]!));
    } catch {
      continue;
    }
    if (!image) continue;
    for (const lb of asList(svc.body.load_balancer)) {
      const tg = stack.resolve(parseRef(lb.target_group_arn));
      if (tg) out.set(tg, image);
    }
  }
  return out;
}

/** Target group references an action list forwards to (simple and weighted forwards). */
export function forwardTargets(actions: unknown): unknown[] {
  return asList(actions)
    .filter((a) => a.type === 'forward')
    .flatMap((a) => [
      a.target_group_arn,
      ...asList(a.forward).flatMap((f) => asList(f.target_group).map((t) => t.arn)),
    ])
    .filter((v) => v !== undefined);
}

/** Whether the actions authenticate the caller (OIDC or Cognito) before anything else. */
export function authenticates(actions: unknown): boolean {
  return asList(actions).some(
    (a) => a.type === 'authenticate-oidc' || a.type === 'authenticate-cognito',
  );
}
