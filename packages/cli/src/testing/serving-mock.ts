/**
 * What a deployed mock looks like from the CLI, for tests of the wait and of `update`: an HTTP
 * server on 127.0.0.1 that answers MockServer's control-plane paths the CLI uses, behind the
 * check the ALB makes (the project token header, else 403), and the ECS / ELBv2 / Secrets
 * Manager answers of a stable service, set on aws-sdk-client-mock clients.
 */
import { CONTROL_PLANE_HEADER } from '@automock/core';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_TOKEN = '0123456789abcdef'.repeat(4);

/** One request the fake MockServer received. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorised: boolean;
  readonly body: string;
}

/** A fake MockServer with the expectation store of a real one (by id, upsert and clear). */
export interface FakeMockServer {
  readonly url: string;
  /** 503 from /mockserver/ready while false. */
  ready: boolean;
  /**
   * How many more readiness checks answer 503 before `ready` decides: a mock that becomes ready
   * after a set number of polls, whatever the machine's speed.
   */
  unreadyChecks: number;
  /** Active expectations, in order. */
  expectations: Record<string, unknown>[];
  readonly requests: SeenRequest[];
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeMockServer(
  initial: { ready?: boolean; expectations?: Record<string, unknown>[] } = {},
): Promise<FakeMockServer> {
  const state: FakeMockServer = {
    url: '',
    ready: initial.ready ?? true,
    unreadyChecks: 0,
    expectations: [...(initial.expectations ?? [])],
    requests: [],
    stop: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = req.url ?? '/';
      const authorised = req.headers[CONTROL_PLANE_HEADER] === FAKE_TOKEN;
      state.requests.push({ method: req.method ?? '', path, authorised, body });
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(json === undefined ? '' : JSON.stringify(json));
      };
      if (path.startsWith('/mockserver/') && !authorised) return send(403);
      if (req.method === 'GET' && path === '/mockserver/ready' && state.unreadyChecks > 0) {
        state.unreadyChecks -= 1;
        return send(503, { status: 'NOT_READY' });
      }
      if (req.method === 'GET' && path === '/mockserver/ready')
        return state.ready ? send(200, { status: 'READY' }) : send(503, { status: 'NOT_READY' });
      if (req.method === 'PUT' && path.startsWith('/mockserver/retrieve?type=active_expectations'))
        return send(200, state.expectations);
      if (req.method === 'PUT' && path === '/mockserver/expectation') {
        const items = JSON.parse(body) as Record<string, unknown>[];
        for (const item of Array.isArray(items) ? items : [items]) {
          const i = state.expectations.findIndex((e) => item.id && e.id === item.id);
          if (i >= 0) state.expectations[i] = item;
          else state.expectations.push(item);
        }
        return send(201, items);
      }
      if (req.method === 'PUT' && path.startsWith('/mockserver/clear')) {
        const { id } = JSON.parse(body || '{}') as { id?: string };
        state.expectations = state.expectations.filter((e) => e.id !== id);
        return send(200);
      }
      send(404);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        // fetch keeps connections alive; close() alone would wait for them.
        server.closeAllConnections();
      }),
  });
  return state;
}

export const TARGET_GROUP_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/automock-test-demo-api/0123456789abcdef';

/** A service as DescribeServices returns it; `over` replaces fields. */
export function service(over: Partial<Service> = {}): Service {
  return {
    serviceName: 'automock-test-demo-mockserver',
    status: 'ACTIVE',
    desiredCount: 1,
    runningCount: 1,
    pendingCount: 0,
    loadBalancers: [{ targetGroupArn: TARGET_GROUP_ARN, containerName: 'mockserver' }],
    deployments: [
      {
        id: 'ecs-svc/1111111111111111111',
        status: 'PRIMARY',
        rolloutState: 'COMPLETED',
        desiredCount: 1,
        runningCount: 1,
      },
    ],
    events: [
      {
        id: 'e1',
        createdAt: new Date('2026-01-01T10:00:00Z'),
        message: '(service automock-test-demo-mockserver) has reached a steady state.',
      },
    ],
    ...over,
  };
}

/** aws-sdk-client-mock stubs of the clients the wait and `update` use (every instance of each). */
export function awsMocks() {
  return {
    ecs: mockClient(ECSClient),
    elb: mockClient(ElasticLoadBalancingV2Client),
    secrets: mockClient(SecretsManagerClient),
  };
}
export type AwsMocks = ReturnType<typeof awsMocks>;

/** The AWS side of a mock that is up: stable service, healthy target, token readable. */
export function mockServingAws(m: AwsMocks): void {
  m.ecs.reset();
  m.elb.reset();
  m.secrets.reset();
  m.ecs
    .on(DescribeServicesCommand)
    .resolves({ services: [service()] })
    .on(ListTasksCommand)
    .resolves({ taskArns: [] })
    .on(DescribeTasksCommand)
    .resolves({ tasks: [] });
  m.elb.on(DescribeTargetHealthCommand).resolves({
    TargetHealthDescriptions: [
      { Target: { Id: '10.0.1.10', Port: 1080 }, TargetHealth: { State: 'healthy' } },
    ],
  });
  m.secrets.on(GetSecretValueCommand).resolves({ SecretString: FAKE_TOKEN });
}
