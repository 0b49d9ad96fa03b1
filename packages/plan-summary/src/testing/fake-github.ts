import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** An issue comment as the fake API stores it. */
export interface FakeComment {
  id: number;
  body: string;
  user: string;
  issue: number;
}

/** An issue (or pull request, which GitHub also lists as an issue) as the fake API stores it. */
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  user: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  pullRequest: boolean;
}

/** A request the fake API received. */
export interface FakeRequest {
  method: string;
  path: string;
  authorization?: string;
}

/**
 * A tiny stand-in for the GitHub REST issue and issue-comment endpoints on 127.0.0.1: list
 * (paginated with a small page size and a `Link` header like GitHub's; issue lists filtered by
 * `state` and holding pull requests too, as GitHub's do), create and update. It rejects requests
 * without the expected token and bodies GitHub would refuse (422).
 */
export class FakeGitHub {
  readonly comments: FakeComment[] = [];
  readonly issues: FakeIssue[] = [];
  readonly requests: FakeRequest[] = [];
  private server?: Server;
  private nextId = 1000;
  url = '';

  constructor(
    private readonly token: string,
    private readonly pageSize = 2,
  ) {}

  add(issue: number, body: string, user = 'github-actions[bot]'): FakeComment {
    const c = { id: this.nextId++, body, user, issue };
    this.comments.push(c);
    return c;
  }

  addIssue(
    title: string,
    body: string,
    options: { user?: string; state?: 'open' | 'closed'; pullRequest?: boolean } = {},
  ): FakeIssue {
    const i: FakeIssue = {
      number: this.issues.length + 1,
      title,
      body,
      user: options.user ?? 'github-actions[bot]',
      state: options.state ?? 'open',
      state_reason: options.state === 'closed' ? 'completed' : null,
      pullRequest: options.pullRequest ?? false,
    };
    this.issues.push(i);
    return i;
  }

  private issueView(i: FakeIssue) {
    return {
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.state_reason,
      user: { login: i.user, type: i.user.endsWith('[bot]') ? 'Bot' : 'User' },
      html_url: `https://github.test/i/${i.number}`,
      ...(i.pullRequest ? { pull_request: { url: `https://github.test/p/${i.number}` } } : {}),
    };
  }

  private page<T>(url: URL, all: T[]): { items: T[]; headers: Record<string, string> } {
    const page = Number(url.searchParams.get('page') ?? '1');
    const items = all.slice((page - 1) * this.pageSize, page * this.pageSize);
    const headers: Record<string, string> = {};
    if (page * this.pageSize < all.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      headers.link = `<${this.url.replace(/\/api\/v3$/, '')}${next.pathname}${next.search}>; rel="next", <${this.url}/x?page=99>; rel="last"`;
    }
    return { items, headers };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v3`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private view(c: FakeComment) {
    return {
      id: c.id,
      body: c.body,
      user: { login: c.user, type: c.user.endsWith('[bot]') ? 'Bot' : 'User' },
      html_url: `https://github.test/c/${c.id}`,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
    });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send(401, { message: 'Bad credentials' });
    const list = /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    const one = /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    const issues = /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues$/.exec(url.pathname);
    const issue = /^\/api\/v3\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)$/.exec(url.pathname);
    if (list && req.method === 'GET') {
      const n = Number(list[2]);
      const { items, headers } = this.page(
        url,
        this.comments.filter((c) => c.issue === n),
      );
      return send(
        200,
        items.map((c) => this.view(c)),
        headers,
      );
    }
    if (issues && req.method === 'GET') {
      const state = url.searchParams.get('state') ?? 'open';
      const all = this.issues
        .filter((i) => state === 'all' || i.state === state)
        .sort((a, b) =>
          url.searchParams.get('direction') === 'asc' ? a.number - b.number : b.number - a.number,
        );
      const { items, headers } = this.page(url, all);
      return send(
        200,
        items.map((i) => this.issueView(i)),
        headers,
      );
    }
    const body = chunks.length
      ? (JSON.parse(Buffer.concat(chunks).toString()) as {
          body?: string;
          title?: string;
          state?: string;
          state_reason?: string;
        })
      : {};
    if (issues && req.method === 'POST') {
      if (typeof body.title !== 'string' || body.title === '')
        return send(422, { message: 'title missing' });
      if (typeof body.body === 'string' && body.body.length > 65536)
        return send(422, { message: 'body is too long (maximum is 65536 characters)' });
      return send(201, this.issueView(this.addIssue(body.title, body.body ?? '')));
    }
    if (issue && req.method === 'PATCH') {
      const i = this.issues.find((x) => x.number === Number(issue[2]));
      if (!i) return send(404, { message: 'Not Found' });
      if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed')
        return send(422, { message: `state: ${body.state}` });
      if (
        body.state_reason !== undefined &&
        !['completed', 'not_planned', 'reopened'].includes(body.state_reason)
      )
        return send(422, { message: `state_reason: ${body.state_reason}` });
      if (typeof body.body === 'string' && body.body.length > 65536)
        return send(422, { message: 'body is too long (maximum is 65536 characters)' });
      if (typeof body.title === 'string') i.title = body.title;
      if (typeof body.body === 'string') i.body = body.body;
      if (body.state) {
        i.state = body.state as 'open' | 'closed';
        i.state_reason = body.state === 'closed' ? (body.state_reason ?? 'completed') : null;
      }
      return send(200, this.issueView(i));
    }
    if (list && req.method === 'POST') {
      if (typeof body.body !== 'string') return send(422, { message: 'body missing' });
      return send(201, this.view(this.add(Number(list[2]), body.body)));
    }
    if (one && req.method === 'PATCH') {
      const c = this.comments.find((x) => x.id === Number(one[2]));
      if (!c) return send(404, { message: 'Not Found' });
      if (typeof body.body !== 'string') return send(422, { message: 'body missing' });
      c.body = body.body;
      return send(200, this.view(c));
    }
    return send(404, { message: `no fake for ${req.method} ${url.pathname}` });
  }
}
