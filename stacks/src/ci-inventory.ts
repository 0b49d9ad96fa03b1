import { EnvironmentInventory } from '@automock/ci-access';
import { RANDOM_PASSWORD_EPHEMERAL, Secret } from '@automock/data-messaging';
import { ControlPlaneToken } from '@automock/ecs-service';
import { Environment, PolicyDocument } from '@automock/core';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { App, TerraformDataSource, TerraformRemoteState, TerraformResource, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { AutomockStack, StateOptions } from './automock-stack';

/**
 * What an environment's stacks hold, for its CI roles and permissions boundary: the resource and
 * data source types, and the actions and trusted services of the roles they create. Read from the
 * constructs (no synthesis): the types are Terraform's, the policies are the JSON the stacks wrote.
 *
 * @throws Error when a role policy's action is only known at apply time (it cannot be bounded).
 */
export function inventoryOf(stacks: readonly AutomockStack[]): EnvironmentInventory {
  const resources = new Set<string>();
  const dataSources = new Set<string>();
  const roleActions = new Set<string>();
  const roleServices = new Set<string>();
  const attached = new Set<string>();
  const secretVersionNames = new Set<string>();
  const where = (c: IConstruct) => c.node.path;

  const addDocument = (doc: PolicyDocument, at: string) => {
    for (const s of doc.Statement ?? []) {
      const principals = typeof s.Principal === 'object' ? s.Principal.Service : undefined;
      if (principals !== undefined) {
        for (const p of [principals].flat()) roleServices.add(p);
        continue;
      }
      if (s.Effect !== 'Allow') continue;
      for (const a of [s.Action].flat()) {
        if (Token.isUnresolved(a)) throw new Error(`${at}: a policy action is a token (${a})`);
        roleActions.add(a);
      }
    }
  };
  const parse = (json: unknown, at: string) => {
    if (typeof json !== 'string' || json.startsWith('${')) return;
    addDocument(JSON.parse(json) as PolicyDocument, at);
  };

  for (const stack of stacks) {
    for (const c of stack.node.findAll()) {
      if (c instanceof TerraformDataSource) dataSources.add(c.terraformResourceType);
      else if (c instanceof TerraformResource) resources.add(c.terraformResourceType);
      else if (c instanceof TerraformRemoteState) dataSources.add('terraform_remote_state');
      // An ephemeral block (added by override: cdktf has no construct for it) is read at every
      // plan and apply like a data source.
      else if (c instanceof Secret && c.version) dataSources.add(RANDOM_PASSWORD_EPHEMERAL);
      // A secret version is refreshed with GetSecretValue: CI may read the secrets the stacks
      // write (a project's token, a workload's generated secret), by name.
      if ((c instanceof Secret && c.version) || c instanceof ControlPlaneToken) {
        const name = c.secret.nameInput;
        if (typeof name !== 'string' || Token.isUnresolved(name))
          throw new Error(`${where(c)}: the name of a secret CI reads is a token (${name})`);
        secretVersionNames.add(name);
      }

      if (c instanceof IamRolePolicy || c instanceof IamPolicy) parse(c.policyInput, where(c));
      else if (c instanceof IamRole) parse(c.assumeRolePolicyInput, where(c));
      else if (c instanceof IamRolePolicyAttachment) {
        const arn = c.policyArnInput;
        if (typeof arn === 'string' && !Token.isUnresolved(arn)) attached.add(arn);
      } else if (c instanceof DataAwsIamPolicyDocument) {
        const statements = c.statementInput;
        if (!Array.isArray(statements)) continue;
        for (const s of statements) {
          const services = (Array.isArray(s.principals) ? s.principals : [])
            .filter((p) => p.type === 'Service')
            .flatMap((p) => p.identifiers);
          if (services.length > 0) {
            for (const id of services) roleServices.add(id);
            continue;
          }
          if ((s.effect ?? 'Allow') !== 'Allow') continue;
          for (const a of s.actions ?? []) {
            if (Token.isUnresolved(a))
              throw new Error(`${where(c)}: a policy action is a token (${a})`);
            roleActions.add(a);
          }
        }
      }
    }
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    resources: sorted(resources),
    dataSources: sorted(dataSources),
    roleActions: sorted(roleActions),
    roleServices: sorted(roleServices),
    attachedPolicyArns: sorted(attached),
    secretVersionNames: sorted(secretVersionNames),
  };
}

/** How to build an environment's canonical stacks when the app at hand does not hold them all. */
export interface CanonicalStacks {
  /** Builds the environment's stack and the stacks of its declared (long-lived) projects in `app`. */
  readonly build: (app: App, env: Environment, state: StateOptions) => void;
  /** Names of the stacks that make up the canonical set of `env`. */
  readonly names: (env: Environment) => readonly string[];
}

/**
 * The inventory of each environment: the stacks CI plans and applies for it (its environment
 * stack and its declared projects; never ephemeral projects, which developers deploy). Taken from
 * `app` when it holds them all, else built aside once, so a bootstrap stack is the same whichever
 * environments or projects a command selected.
 */
export function ciInventories(
  envs: readonly Environment[],
  app: App,
  canonical: CanonicalStacks,
  options: { outdir?: string; context?: Record<string, unknown>; state: StateOptions },
): Record<string, EnvironmentInventory> {
  const present = new Map(AutomockStack.all(app).map((s) => [s.node.id, s]));
  const out: Record<string, EnvironmentInventory> = {};
  for (const env of envs) {
    const names = canonical.names(env);
    let stacks = names.map((n) => present.get(n));
    if (stacks.some((s) => s === undefined)) {
      const aside = new App({
        ...(options.outdir ? { outdir: options.outdir } : {}),
        ...(options.context ? { context: options.context } : {}),
      });
      canonical.build(aside, env, options.state);
      const built = new Map(AutomockStack.all(aside).map((s) => [s.node.id, s]));
      stacks = names.map((n) => built.get(n));
    }
    out[env.name] = inventoryOf(stacks as AutomockStack[]);
  }
  return out;
}
