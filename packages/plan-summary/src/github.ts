import { COMMENT_MARKER } from './comment';

/** The `fetch` this module needs; Node's global one by default, a stub in tests. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
}>;

/** Input of {@link upsertComment}. */
export interface UpsertCommentOptions extends GitHubApiOptions {
  /** Pull request (issue) number; the token needs `pull-requests: write`. */
  readonly issueNumber: number;
  /** Comment body; the marker is put first if it is missing, so the next run finds it. */
  readonly body: string;
  /**
   * Marker that identifies the comment to update.
   * @default COMMENT_MARKER
   */
  readonly marker?: string;
  /**
   * Login whose marked comment is updated (for a personal token, its user).
   * @default - any bot account (with `GITHUB_TOKEN`, `github-actions[bot]`); a person who pastes
   * the marker into a comment of their own is never edited
   */
  readonly author?: string;
}

/** What {@link upsertComment} did. */
export interface UpsertCommentResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly id: number;
  readonly url: string;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { login?: string; type?: string } | null;
}

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}

/** Where and how to reach the GitHub REST API. */
export interface GitHubApiOptions {
  /** Token (in Actions: `GITHUB_TOKEN`). */
  readonly token: string;
  /**
   * REST API root (in Actions: `GITHUB_API_URL`, which differs on GitHub Enterprise Server).
   * @default 'https://api.github.com'
   */
  readonly apiUrl?: string;
  /** `owner/name` of the repository. */
  readonly repo: string;
  /**
   * HTTP client.
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike;
}

interface Api {
  readonly base: string;
  call(method: string, url: string, payload?: unknown): Promise<Awaited<ReturnType<FetchLike>>>;
  /** The first item of a paginated list (following `Link: rel="next"`) that `match` accepts. */
  find<T>(url: string, match: (item: T) => boolean): Promise<T | undefined>;
}

function api(options: GitHubApiOptions, caller: string, userAgent: string): Api {
  if (!options.token)
    throw new Error(
      `${caller}: token: got an empty value, a GitHub token is required (GITHUB_TOKEN)`,
    );
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repo)) {
    throw new Error(`${caller}: repo: got ${JSON.stringify(options.repo)}, must be "owner/name"`);
  }
  const doFetch: FetchLike = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const root = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${options.token}`,
    'x-github-api-version': '2022-11-28',
    'content-type': 'application/json',
    'user-agent': userAgent,
  };
  const call: Api['call'] = async (method, url, payload) => {
    const res = await doFetch(url, {
      method,
      headers,
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw new Error(`GitHub API ${method} ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
    }
    return res;
  };
  return {
    base: `${root}/repos/${options.repo}`,
    call,
    async find<T>(first: string, match: (item: T) => boolean): Promise<T | undefined> {
      let url: string | undefined = first;
      for (let page = 0; url !== undefined; page++) {
        // Bounded: 1,000 pages of 100 is far beyond any real pull request or issue list.
        if (page >= 1000) throw new Error(`GitHub API: more than 1000 pages at ${url}`);
        const res = await call('GET', url);
        const items = (await res.json()) as T[];
        if (!Array.isArray(items)) throw new Error(`GitHub API GET ${url}: expected an array`);
        const found = items.find(match);
        if (found !== undefined) return found;
        url = nextLink(res.headers.get('link'));
      }
      return undefined;
    },
  };
}

/** True for an item written by the tool: by `author` when given, else by any bot account. */
function writtenByTool(
  user: { login?: string; type?: string } | null | undefined,
  author?: string,
) {
  return author === undefined ? user?.type === 'Bot' : user?.login === author;
}

/**
 * Creates the pull request comment that carries `marker`, or updates it in place when one already
 * exists (all pages of comments are searched; the oldest marked comment by a bot, or by `author`,
 * wins). Comments without the marker, or by anyone else, are never touched.
 */
export async function upsertComment(options: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const marker = options.marker ?? COMMENT_MARKER;
  const gh = api(options, 'upsertComment', 'automock-plan-comment');
  if (!Number.isInteger(options.issueNumber) || options.issueNumber < 1) {
    throw new Error(
      `upsertComment: issueNumber: got ${options.issueNumber}, must be a positive integer`,
    );
  }
  const body = options.body.includes(marker) ? options.body : `${marker}\n${options.body}`;
  const found = await gh.find<IssueComment>(
    `${gh.base}/issues/${options.issueNumber}/comments?per_page=100`,
    (c) =>
      typeof c.body === 'string' &&
      c.body.includes(marker) &&
      writtenByTool(c.user, options.author),
  );
  if (found) {
    if (found.body === body) return { action: 'unchanged', id: found.id, url: found.html_url };
    const res = await gh.call('PATCH', `${gh.base}/issues/comments/${found.id}`, { body });
    const c = (await res.json()) as IssueComment;
    return { action: 'updated', id: c.id, url: c.html_url };
  }
  const res = await gh.call('POST', `${gh.base}/issues/${options.issueNumber}/comments`, { body });
  const c = (await res.json()) as IssueComment;
  return { action: 'created', id: c.id, url: c.html_url };
}

/** Input of {@link syncIssue}. */
export interface SyncIssueOptions extends GitHubApiOptions {
  /** Hidden marker in the body that identifies the issue (`<!-- automock-drift:dev -->`). */
  readonly marker: string;
  /** Whether the issue should be open (there is something to report) or closed. */
  readonly open: boolean;
  /**
   * When not `open`: update an open issue instead of closing it (nothing could be checked, so
   * nothing is known to be fixed); still never open one.
   * @default false
   */
  readonly keepOpen?: boolean;
  /** Title of the issue while open. */
  readonly title: string;
  /** Body; the marker is put first if it is missing. */
  readonly body: string;
  /**
   * Login whose marked issue is managed (for a personal token, its user).
   * @default - any bot account (with `GITHUB_TOKEN`, `github-actions[bot]`)
   */
  readonly author?: string;
}

/** What {@link syncIssue} did. */
export interface SyncIssueResult {
  /** `none`: nothing to report and no open issue, so nothing was done. */
  readonly action: 'created' | 'updated' | 'unchanged' | 'closed' | 'none';
  readonly number?: number;
  readonly url?: string;
}

interface Issue {
  number: number;
  title?: string;
  body?: string | null;
  html_url: string;
  user?: { login?: string; type?: string } | null;
  pull_request?: unknown;
}

/**
 * Keeps one issue per marker: finds the open issue whose body carries `marker` (written by a bot,
 * or by `author`; pull requests and everyone else's issues are never touched) and, when `open`,
 * updates its title and body in place or creates it; when not `open`, writes the final body and
 * closes it as completed (or, with `keepOpen`, only updates it). A later report opens a new issue, so each episode has its own history.
 */
export async function syncIssue(options: SyncIssueOptions): Promise<SyncIssueResult> {
  const gh = api(options, 'syncIssue', 'automock-drift-report');
  const body = options.body.includes(options.marker)
    ? options.body
    : `${options.marker}\n${options.body}`;
  const found = await gh.find<Issue>(
    `${gh.base}/issues?state=open&sort=created&direction=asc&per_page=100`,
    (i) =>
      i.pull_request === undefined &&
      typeof i.body === 'string' &&
      i.body.includes(options.marker) &&
      writtenByTool(i.user, options.author),
  );
  if (!found) {
    if (!options.open) return { action: 'none' };
    const res = await gh.call('POST', `${gh.base}/issues`, { title: options.title, body });
    const i = (await res.json()) as Issue;
    return { action: 'created', number: i.number, url: i.html_url };
  }
  if (options.open || options.keepOpen === true) {
    if (found.body === body && found.title === options.title)
      return { action: 'unchanged', number: found.number, url: found.html_url };
    const res = await gh.call('PATCH', `${gh.base}/issues/${found.number}`, {
      title: options.title,
      body,
    });
    const i = (await res.json()) as Issue;
    return { action: 'updated', number: i.number, url: i.html_url };
  }
  const res = await gh.call('PATCH', `${gh.base}/issues/${found.number}`, {
    body,
    state: 'closed',
    state_reason: 'completed',
  });
  const i = (await res.json()) as Issue;
  return { action: 'closed', number: i.number, url: i.html_url };
}
