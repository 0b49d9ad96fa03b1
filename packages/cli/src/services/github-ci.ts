import { GITHUB_SUBJECT_CLAIM_KEYS } from '@automock/ci-access';
import type { GithubCiSettings } from '../environment/app-module';
import type { Check } from './doctor';

/** Where and how to reach GitHub's REST API. */
export interface GithubApi {
  /** Token that can read the repository's Actions settings and environments; unset skips the checks. */
  readonly token?: string;
  /** REST API root. @default 'https://api.github.com' */
  readonly apiUrl?: string;
}

/** `GITHUB_TOKEN` or `GH_TOKEN`, and `GITHUB_API_URL` (GitHub Enterprise Server), from the environment. */
export function githubApiFromEnv(env: NodeJS.ProcessEnv = process.env): GithubApi {
  return {
    token: env.GITHUB_TOKEN || env.GH_TOKEN || undefined,
    apiUrl: env.GITHUB_API_URL || undefined,
  };
}

const KEYS = [...GITHUB_SUBJECT_CLAIM_KEYS];

/** The fields of GitHub's responses these checks read. */
interface GithubBody {
  readonly message?: string;
  readonly use_default?: boolean;
  readonly include_claim_keys?: unknown;
  readonly protection_rules?: readonly { readonly type?: string; readonly reviewers?: unknown }[];
}

async function get(api: GithubApi, path: string): Promise<{ status: number; body?: GithubBody }> {
  const root = (api.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const res = await fetch(`${root}${path}`, {
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${api.token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'automock-doctor',
    },
  });
  const text = await res.text();
  let body: GithubBody | undefined;
  try {
    body = text ? (JSON.parse(text) as GithubBody) : undefined;
  } catch {
    body = { message: text.slice(0, 200) };
  }
  return { status: res.status, body };
}

const describeHttp = (status: number, body?: GithubBody) =>
  `HTTP ${status}${body?.message ? `: ${String(body.message)}` : ''}`;

/**
 * What the CI access needs from the repository on GitHub: the OIDC subject built from
 * `repo`, `context` and `ref` (the apply roles require the branch in the subject), and required
 * reviewers on the protected environments. Skipped without a token.
 */
export async function githubCiChecks(
  settings: GithubCiSettings,
  api: GithubApi,
  environments: readonly string[],
): Promise<Check[]> {
  const repo = `${settings.owner}/${settings.repository}`;
  const protectedEnvs = (settings.protectedEnvironments ?? ['prod']).filter((e) =>
    environments.includes(e),
  );
  const subjectFix = `gh api -X PUT repos/${repo}/actions/oidc/customization/sub -F use_default=false ${KEYS.map(
    (k) => `-f 'include_claim_keys[]=${k}'`,
  ).join(' ')}`;
  if (!api.token) {
    return [
      {
        check: `github oidc subject ${repo}`,
        ok: true,
        skipped: true,
        detail: 'not checked: set GITHUB_TOKEN or GH_TOKEN to a token that can read the repository',
      },
    ];
  }
  const checks: Check[] = [];
  try {
    const { status, body } = await get(api, `/repos/${repo}/actions/oidc/customization/sub`);
    const keys: unknown = body?.include_claim_keys;
    if (status !== 200) {
      checks.push({
        check: `github oidc subject ${repo}`,
        ok: false,
        detail: describeHttp(status, body),
        fix:
          status === 404
            ? `Check stacks/src/github.ts names the repository, and that the token can read it (Actions: read)`
            : 'Use a token that can read the repository (fine-grained: Actions read)',
      });
    } else if (
      body?.use_default === false &&
      Array.isArray(keys) &&
      JSON.stringify(keys) === JSON.stringify(KEYS)
    ) {
      checks.push({
        check: `github oidc subject ${repo}`,
        ok: true,
        detail: `sub is built from ${KEYS.join(', ')}`,
      });
    } else {
      checks.push({
        check: `github oidc subject ${repo}`,
        ok: false,
        detail: body?.use_default
          ? 'the repository uses the default subject (no ref): apply roles will refuse its tokens'
          : `include_claim_keys is ${JSON.stringify(keys)}, not ${JSON.stringify(KEYS)}: apply roles will refuse its tokens`,
        fix: subjectFix,
      });
    }
  } catch (e) {
    checks.push({
      check: `github oidc subject ${repo}`,
      ok: false,
      detail: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300),
      fix: 'Check the network and GITHUB_API_URL',
    });
  }

  for (const env of protectedEnvs) {
    const check = `github environment ${env} reviewers`;
    try {
      const { status, body } = await get(
        api,
        `/repos/${repo}/environments/${encodeURIComponent(env)}`,
      );
      const reviewers = (Array.isArray(body?.protection_rules) ? body.protection_rules : [])
        .filter((r) => r?.type === 'required_reviewers')
        .flatMap((r) => (Array.isArray(r.reviewers) ? (r.reviewers as unknown[]) : []));
      if (status === 200 && reviewers.length > 0) {
        checks.push({ check, ok: true, detail: `${reviewers.length} required reviewer(s)` });
      } else {
        checks.push({
          check,
          ok: false,
          detail:
            status === 404
              ? `the GitHub environment ${env} does not exist`
              : status === 200
                ? `the GitHub environment ${env} has no required reviewers: its apply would not wait for a person`
                : describeHttp(status, body),
          fix: `Settings → Environments → ${env}: add required reviewers (and prevent self-review), deployment branches: main`,
        });
      }
    } catch (e) {
      checks.push({
        check,
        ok: false,
        detail: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300),
        fix: 'Check the network and GITHUB_API_URL',
      });
    }
  }
  return checks;
}
