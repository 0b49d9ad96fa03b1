import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** An issue comment as the fake API stores it. */
export interface FakeComment {
  id: number;
  body: string;
  user: string;
  issue: number;
}

/** A request the fake API received. */
export interface FakeRequest {
  method: string;
  path: string;
  authorization?: string;
}

/**
 * A tiny stand-in for the GitHub REST issue-comment endpoints on 127.0.0.1: list (paginated with a
 * small page size and a `Link` header like GitHub's), create and update. It rejects requests
 * without the expected token.
 */
export class FakeGitHub {
  readonly comments: FakeComment[] = [];
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
    if (list && req.method === 'GET') {
      const issue = Number(list[2]);
      const all = this.comments.filter((c) => c.issue === issue);
      const page = Number(url.searchParams.get('page') ?? '1');
      const items = all.slice((page - 1) * this.pageSize, page * this.pageSize);
      const headers: Record<string, string> = {};
      if (page * this.pageSize < all.length) {
        const next = new URL(url.toString());
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${this.url.replace(/\/api\/v3$/, '')}${next.pathname}${next.search}>; rel="next", <${this.url}/x?page=99>; rel="last"`;
      }
      return send(
        200,
        items.map((c) => this.view(c)),
        headers,
      );
    }
    const body = chunks.length
      ? (JSON.parse(Buffer.concat(chunks).toString()) as { body?: string })
      : {};
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
