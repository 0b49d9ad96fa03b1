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
export interface UpsertCommentOptions {
  /** Token with `pull-requests: write` (in Actions: `GITHUB_TOKEN`). */
  readonly token: string;
  /**
   * REST API root (in Actions: `GITHUB_API_URL`, which differs on GitHub Enterprise Server).
   * @default 'https://api.github.com'
   */
  readonly apiUrl?: string;
  /** `owner/name` of the repository. */
  readonly repo: string;
  /** Pull request (issue) number. */
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
  /**
   * HTTP client.
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike;
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

/**
 * Creates the pull request comment that carries `marker`, or updates it in place when one already
 * exists (all pages of comments are searched; the oldest marked comment by a bot, or by `author`,
 * wins). Comments without the marker, or by anyone else, are never touched.
 */
export async function upsertComment(options: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const marker = options.marker ?? COMMENT_MARKER;
  if (!options.token)
    throw new Error(
      'upsertComment: token: got an empty value, a GitHub token is required (GITHUB_TOKEN)',
    );
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repo)) {
    throw new Error(
      `upsertComment: repo: got ${JSON.stringify(options.repo)}, must be "owner/name"`,
    );
  }
  if (!Number.isInteger(options.issueNumber) || options.issueNumber < 1) {
    throw new Error(
      `upsertComment: issueNumber: got ${options.issueNumber}, must be a positive integer`,
    );
  }
  const doFetch: FetchLike = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const api = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const body = options.body.includes(marker) ? options.body : `${marker}\n${options.body}`;
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${options.token}`,
    'x-github-api-version': '2022-11-28',
    'content-type': 'application/json',
    'user-agent': 'automock-plan-comment',
  };
  const call = async (method: string, url: string, payload?: unknown) => {
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

  let url: string | undefined =
    `${api}/repos/${options.repo}/issues/${options.issueNumber}/comments?per_page=100`;
  let found: IssueComment | undefined;
  for (let page = 0; url !== undefined && found === undefined; page++) {
    // Bounded: 1,000 pages of 100 is far beyond any real pull request.
    if (page >= 1000) throw new Error(`GitHub API: more than 1000 pages of comments at ${url}`);
    const res = await call('GET', url);
    const comments = (await res.json()) as IssueComment[];
    if (!Array.isArray(comments))
      throw new Error(`GitHub API GET ${url}: expected an array of comments`);
    found = comments.find(
      (c) =>
        typeof c.body === 'string' &&
        c.body.includes(marker) &&
        (options.author === undefined ? c.user?.type === 'Bot' : c.user?.login === options.author),
    );
    url = nextLink(res.headers.get('link'));
  }

  if (found) {
    if (found.body === body) return { action: 'unchanged', id: found.id, url: found.html_url };
    const res = await call('PATCH', `${api}/repos/${options.repo}/issues/comments/${found.id}`, {
      body,
    });
    const c = (await res.json()) as IssueComment;
    return { action: 'updated', id: c.id, url: c.html_url };
  }
  const res = await call(
    'POST',
    `${api}/repos/${options.repo}/issues/${options.issueNumber}/comments`,
    { body },
  );
  const c = (await res.json()) as IssueComment;
  return { action: 'created', id: c.id, url: c.html_url };
}
