import { GetApisCommand } from '@aws-sdk/client-apigatewayv2';
import { ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ListEmailIdentitiesCommand } from '@aws-sdk/client-sesv2';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { destroyClients, teardownClients } from './clients';

// The default clients a real sweep gets: issue 14's SES, Cognito and API Gateway v2 clients are
// among them, and each sends to AWS_ENDPOINT_URL (emulators, VPC endpoints) as the others do.
const ENV_KEYS = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_MAX_ATTEMPTS',
] as const;
let server: Server;
let seen: { url: string; target: string; auth: string }[] = [];
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    seen.push({
      url: req.url ?? '',
      target: String(req.headers['x-amz-target'] ?? ''),
      auth: String(req.headers.authorization ?? ''),
    });
    req.resume();
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ __type: 'BadRequestException', message: 'local test server' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  for (const k of ENV_KEYS) saved[k] = process.env[k];
  process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  process.env.AWS_MAX_ATTEMPTS = '1';
});
afterAll(async () => {
  for (const k of ENV_KEYS)
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen = [];
});

describe('teardownClients', () => {
  it('builds the SES, Cognito and API Gateway v2 clients a sweep of mail, user pools and HTTP APIs needs', () => {
    const clients = teardownClients({ region: 'eu-west-1' });
    try {
      expect(clients.sesv2).toBeDefined();
      expect(clients.cognito).toBeDefined();
      expect(clients.apigatewayv2).toBeDefined();
    } finally {
      destroyClients(clients);
    }
  });

  it.each([
    [
      'SES v2',
      (c: ReturnType<typeof teardownClients>) => c.sesv2!.send(new ListEmailIdentitiesCommand({})),
      (s: (typeof seen)[number]) => s.url.startsWith('/v2/email/list-identities'),
    ],
    [
      'Cognito',
      (c: ReturnType<typeof teardownClients>) =>
        c.cognito!.send(new ListUserPoolsCommand({ MaxResults: 1 })),
      (s: (typeof seen)[number]) => s.target === 'AWSCognitoIdentityProviderService.ListUserPools',
    ],
    [
      'API Gateway v2',
      (c: ReturnType<typeof teardownClients>) => c.apigatewayv2!.send(new GetApisCommand({})),
      (s: (typeof seen)[number]) => s.url.startsWith('/v2/apis'),
    ],
  ])(
    'the %s client sends to AWS_ENDPOINT_URL, signed for the region given',
    async (_n, call, is) => {
      const clients = teardownClients({ region: 'eu-west-1' });
      try {
        await expect(call(clients)).rejects.toThrow();
        expect(seen).toHaveLength(1);
        expect(is(seen[0]!)).toBe(true);
        expect(seen[0]!.auth).toContain('/eu-west-1/');
      } finally {
        destroyClients(clients);
      }
    },
  );
});
