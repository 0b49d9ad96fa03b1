import { defineEnvironment } from '@automock/core';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { controlPlaneRequest, isControlPlanePath, readControlPlaneToken } from './control-plane';
import { CliError } from '../errors';

const sm = mockClient(SecretsManagerClient);
const env = defineEnvironment({ name: 'dev', accountId: '111111111111', region: 'us-east-1' });
const TOKEN = 'a1b2c3'.repeat(10) + 'abcd';

beforeEach(() => sm.reset());

describe('control-plane access from the CLI', () => {
  it('reads the project token from the secret the project stack creates', async () => {
    sm.on(GetSecretValueCommand, {
      SecretId: 'automock/dev/petstore/control-plane-token',
    }).resolves({
      SecretString: TOKEN,
    });
    await expect(
      readControlPlaneToken(new SecretsManagerClient({}), env, 'petstore'),
    ).resolves.toBe(TOKEN);
  });

  it('says the project is not deployed when the secret is missing (exit 2)', async () => {
    sm.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({ message: 'not found', $metadata: {} }),
    );
    const err = await readControlPlaneToken(new SecretsManagerClient({}), env, 'gone').catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(
      /dev\/gone has no control-plane token \(secret automock\/dev\/gone\/control-plane-token not found\)/,
    );
    expect(err.exitCode).toBe(2);
  });

  it('builds a request with the token header; refuses data-plane paths', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: TOKEN });
    const client = new SecretsManagerClient({});
    const target = { env, project: 'petstore', baseUrl: 'https://petstore.mocks.example.com/' };
    const ready = await controlPlaneRequest(client, target, { path: '/mockserver/ready' });
    expect(ready).toEqual({
      url: 'https://petstore.mocks.example.com/mockserver/ready',
      init: { method: 'GET', headers: { 'x-automock-control-token': TOKEN }, body: undefined },
    });
    const put = await controlPlaneRequest(client, target, {
      path: '/mockserver/expectation',
      body: [{ httpRequest: { path: '/x' }, httpResponse: { statusCode: 200 } }],
    });
    expect(put.init).toMatchObject({
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(put.init.body!)[0].httpRequest.path).toBe('/x');
    await expect(controlPlaneRequest(client, target, { path: '/pets' })).rejects.toThrow(
      /\/pets is not a MockServer control-plane path/,
    );
    expect(isControlPlanePath('/_mockserver_ui_websocket')).toBe(true);
    expect(isControlPlanePath('/mockserverx')).toBe(false);
  });
});
