import {
  CONTROL_PLANE_HEADER,
  CONTROL_PLANE_PATHS,
  controlPlaneSecretName,
  Environment,
} from '@automock/core';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CliError, EXIT } from '../errors';

/** A project's MockServer, as the CLI reaches it. */
export interface ControlPlaneTarget {
  readonly env: Environment;
  readonly project: string;
  /** The project's MockServer URL (core's `PROJECT_OUTPUT.url`), e.g. `https://petstore.mocks.example.com`. */
  readonly baseUrl: string;
}

/** An HTTP request ready for `fetch(url, init)`. */
export interface PreparedRequest {
  readonly url: string;
  readonly init: {
    readonly method: string;
    readonly headers: Record<string, string>;
    readonly body?: string;
  };
}

/** True for a path the load balancer treats as MockServer's control plane. */
export function isControlPlanePath(path: string): boolean {
  return CONTROL_PLANE_PATHS.some((p) =>
    p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p,
  );
}

/**
 * Reads the project's control-plane token from Secrets Manager (the project stack creates it as
 * core's `controlPlaneSecretName`). The caller needs `secretsmanager:GetSecretValue` on it.
 *
 * @throws CliError when the secret does not exist (project not deployed) or is empty.
 */
export async function readControlPlaneToken(
  client: SecretsManagerClient,
  env: Environment,
  project: string,
): Promise<string> {
  const name = controlPlaneSecretName(env.prefix, env.name, project);
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
    const token = out.SecretString?.trim();
    if (!token)
      throw new CliError(`Secret ${name} holds no control-plane token`, [
        `automock deploy --env ${env.name} --project ${project}`,
      ]);
    return token;
  } catch (err) {
    if (err instanceof ResourceNotFoundException)
      throw new CliError(
        `${env.name}/${project} has no control-plane token (secret ${name} not found): is it deployed?`,
        [`automock status --env ${env.name} --project ${project}`],
        EXIT.usage,
      );
    throw err;
  }
}

/**
 * Builds an authorised request to a project's MockServer control plane: the URL under the
 * project's base URL and the token header the load balancer requires (without it the ALB answers
 * 403 and the request never reaches MockServer). Used by `automock deploy` to wait for
 * `GET /mockserver/ready` and by `automock update` to `PUT /mockserver/expectation`.
 *
 * @param token - the project's token when the caller already read it (a poll loop reads it once)
 * @throws CliError for a path outside the control plane, or when the token cannot be read.
 */
export async function controlPlaneRequest(
  client: SecretsManagerClient,
  target: ControlPlaneTarget,
  request: { readonly path: string; readonly method?: string; readonly body?: unknown },
  token?: string,
): Promise<PreparedRequest> {
  if (!isControlPlanePath(request.path))
    throw new CliError(
      `${request.path} is not a MockServer control-plane path (${CONTROL_PLANE_PATHS.join(', ')})`,
      [],
      EXIT.usage,
    );
  const headers: Record<string, string> = {
    [CONTROL_PLANE_HEADER]:
      token ?? (await readControlPlaneToken(client, target.env, target.project)),
  };
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  return {
    url: `${target.baseUrl.replace(/\/+$/, '')}${request.path}`,
    init: { method: request.method ?? (body === undefined ? 'GET' : 'PUT'), headers, body },
  };
}
