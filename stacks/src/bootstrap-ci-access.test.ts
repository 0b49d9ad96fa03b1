import { canAssumeWithWebIdentity, GITHUB_OIDC_HOST, PolicyDocument } from '@automock/ci-access';
import { Testing } from 'cdktf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildApp } from './app';
import { BootstrapStack } from './bootstrap-stack';
import { ENVIRONMENTS } from './environments';
import { GITHUB_CI } from './github';

let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'bootstrap-ci-'));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function bootstraps(): { stack: BootstrapStack; json: any }[] {
  const app = buildApp({ outdir, declaredProjects: false });
  return app.node.children
    .filter((c): c is BootstrapStack => c instanceof BootstrapStack)
    .map((stack) => ({ stack, json: JSON.parse(Testing.synth(stack)) }));
}

describe('GitHub CI access in the bootstrap stacks', () => {
  const all = bootstraps();
  const repo = `${GITHUB_CI.owner}/${GITHUB_CI.repository}`;

  test('every environment gets a plan and an apply role in the bootstrap stack of its account and region', () => {
    const roles = all
      .flatMap(({ json }) =>
        Object.values<any>(json.resource.aws_iam_role ?? {}).map((r) => r.name),
      )
      .sort();
    expect(roles).toEqual(
      ENVIRONMENTS.flatMap((e) => [
        `${e.prefix}-${e.name}-github-apply`,
        `${e.prefix}-${e.name}-github-plan`,
      ]).sort(),
    );
    for (const { stack, json } of all) {
      for (const e of stack.ciAccess ? Object.keys(stack.ciAccess.environments) : []) {
        expect(json.output[`github_plan_role_arn_${e}`]).toBeDefined();
        expect(json.output[`github_apply_role_arn_${e}`]).toBeDefined();
      }
    }
  });

  test('one OIDC provider per bootstrap stack, as configured', () => {
    for (const { json } of all)
      expect(Object.keys(json.resource.aws_iam_openid_connect_provider ?? {})).toHaveLength(1);
  });

  test('prod applies only from its GitHub environment; other environments also from main; plans only from pull requests', () => {
    for (const { stack } of all) {
      const access = stack.ciAccess!;
      for (const [env, roles] of Object.entries(access.environments)) {
        const can = (doc: PolicyDocument, sub: string) =>
          canAssumeWithWebIdentity(doc, {
            providerArn: access.oidcProviderArn,
            providerHost: GITHUB_OIDC_HOST,
            claims: { aud: 'sts.amazonaws.com', sub },
          });
        expect(can(roles.planTrustPolicy, `repo:${repo}:pull_request`)).toBe(true);
        expect(can(roles.planTrustPolicy, `repo:${repo}:ref:refs/heads/main`)).toBe(false);
        expect(can(roles.applyTrustPolicy, `repo:${repo}:pull_request`)).toBe(false);
        expect(can(roles.applyTrustPolicy, `repo:${repo}:environment:${env}`)).toBe(true);
        expect(can(roles.applyTrustPolicy, `repo:${repo}:ref:refs/heads/main`)).toBe(
          env !== 'prod',
        );
      }
    }
  });

  test('github: null creates no CI access', () => {
    const app = Testing.app();
    const stack = new BootstrapStack(app, 'b', { environments: [ENVIRONMENTS[0]!], github: null });
    expect(stack.ciAccess).toBeUndefined();
    expect(JSON.parse(Testing.synth(stack)).resource.aws_iam_role).toBeUndefined();
  });
});
