import { runCommand } from '@oclif/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigValidationError } from '@automock/core';
import { exitCodeOf, quietAwsSdkNodeWarning, toCliError } from '../base-command';
import { synthesize } from '../terraform/synth';
import { Harness, PKG_ROOT, startHarness } from '../testing/harness';

/**
 * Exit codes (README: bad input is 2 everywhere) and the JSON body agreeing with the code the
 * process ends with, for parse errors, configuration errors and unexpected failures.
 */
describe('exit codes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ fake: {} });
  });
  afterAll(() => h.stop());
  afterEach(() => {
    process.exitCode = undefined;
  });

  const jsonError = async (argv: string[]) => {
    const { stdout } = await h.run([...argv, '--json']);
    return (JSON.parse(stdout) as { error: { exitCode: number; message: string } }).error;
  };

  it.each([
    [['deploy', '-e', 'test', '-p', 'x', '--expectations', 'f.json', '--ttl-hours', '9999']],
    [['deploy', '-e', 'test', '-p', 'x', '--expectations', 'f.json', '--size', 'huge']],
    [['deploy', '-e', 'test', '-p', 'x', '--expectations', 'f.json', '--wait-timeout', '0']],
    [['extend-ttl', '-e', 'test', '-p', 'x', '--hours', 'abc']],
    [['status', '-e', 'test', '--no-such-flag']],
    [['list']],
  ])('a flag-parse error under --json is exit 2 in the body and the process: %j', async (argv) => {
    const error = await jsonError(argv);
    expect(error.exitCode).toBe(2);
    expect(process.exitCode).toBe(2);
  });

  it('bad input to deploy (an invalid project) is 2 in the body and the process', async () => {
    const error = await jsonError([
      'deploy',
      '-e',
      'test',
      '-p',
      'Bad_Name',
      '--expectations',
      'f.json',
    ]);
    expect(error.message).toMatch(/name: got "Bad_Name"/);
    expect(error.exitCode).toBe(2);
    expect(process.exitCode).toBe(2);
  });

  it('an unexpected failure is 1 in the body and the process, even if a code 0 was set before', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:1';
    process.env.AWS_MAX_ATTEMPTS = '1';
    process.exitCode = 0;
    try {
      const error = await jsonError(['list', '--env', 'test']);
      expect(error.message).toMatch(/ECONNREFUSED/);
      expect(error.exitCode).toBe(1);
      expect(process.exitCode).toBe(1);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      delete process.env.AWS_MAX_ATTEMPTS;
    }
  });

  it('invalid configuration in synth is 2 in the body and the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'automock-exit-'));
    const saved = { app: process.env.AUTOMOCK_APP_MODULE };
    try {
      const config = join(dir, 'app.json');
      writeFileSync(
        config,
        JSON.stringify({
          environments: [{ name: 'dev', accountId: '123456789012', region: 'us-east-9' }],
        }),
      );
      process.env.AUTOMOCK_APP_MODULE = join(__dirname, '../testing/config-app.ts');
      process.env.AUTOMOCK_TEST_APP_CONFIG = config;
      const { stdout } = await runCommand(['synth', '--out', join(dir, 'out'), '--json'], {
        root: PKG_ROOT,
      });
      const { error } = JSON.parse(stdout);
      expect(error.message).toMatch(/environment\[dev\]\.region: got "us-east-9"/);
      expect(error.exitCode).toBe(2);
      expect(process.exitCode).toBe(2);
    } finally {
      process.env.AUTOMOCK_APP_MODULE = saved.app;
      delete process.env.AUTOMOCK_TEST_APP_CONFIG;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a bad YAML workload', () => {
    let dir: string;
    const saved = { app: process.env.AUTOMOCK_APP_MODULE };
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'automock-exit-'));
      const config = join(dir, 'app.json');
      writeFileSync(
        config,
        JSON.stringify({
          environments: [{ name: 'dev', accountId: '123456789012', region: 'us-east-1' }],
        }),
      );
      mkdirSync(join(dir, 'workloads'));
      writeFileSync(
        join(dir, 'workloads', 'shop.yaml'),
        'name: shop\nenvironments: [dev]\nnetwork: private\ncolour: red\n',
      );
      process.env.AUTOMOCK_APP_MODULE = join(__dirname, '../testing/config-app.ts');
      process.env.AUTOMOCK_TEST_APP_CONFIG = config;
    });
    afterEach(() => {
      process.env.AUTOMOCK_APP_MODULE = saved.app;
      delete process.env.AUTOMOCK_TEST_APP_CONFIG;
      rmSync(dir, { recursive: true, force: true });
    });
    const NETWORK =
      /workload\[dev\/shop\]\.network: got "private", must be one of "shared", "dedicated" \(.*shop\.yaml:3\)/;
    const COLOUR = /workload\[dev\/shop\]\.colour: got "red", is not a known key/;

    it('stops synthesis with exit 2 naming each field and its line, with nothing written', () => {
      let err: unknown;
      try {
        synthesize({ root: resolve(PKG_ROOT, '../..'), outDir: join(dir, 'out') });
      } catch (e) {
        err = e;
      }
      if (!(err instanceof ConfigValidationError)) throw err;
      const cli = toCliError(err as Error);
      expect(cli.message).toMatch(NETWORK);
      expect(cli.message).toMatch(COLOUR);
      expect(exitCodeOf(cli as never)).toBe(2);
      expect(readdirSync(dir).sort()).toEqual(['app.json', 'workloads']);
    });

    it('makes `automock synth --json` exit 2 in the body and the process', async () => {
      const { stdout } = await runCommand(['synth', '--out', join(dir, 'out'), '--json'], {
        root: PKG_ROOT,
      });
      const { error } = JSON.parse(stdout);
      expect(error.message).toMatch(NETWORK);
      expect(error.message).toMatch(COLOUR);
      expect(error.exitCode).toBe(2);
      expect(process.exitCode).toBe(2);
      expect(readdirSync(dir).sort()).toEqual(['app.json', 'workloads']);
    });
  });
});

describe('exitCodeOf', () => {
  it('takes the code an error carries, else oclif’s, else 1', () => {
    expect(exitCodeOf({ exitCode: 2 })).toBe(2);
    expect(exitCodeOf({ oclif: { exit: 127 } })).toBe(127);
    expect(exitCodeOf({})).toBe(1);
    expect(exitCodeOf({ exitCode: 0 })).toBe(1);
  });
});

describe('the AWS SDK’s Node version warning', () => {
  it('is switched off through the SDK’s own variable, unless --verbose or already set', () => {
    const env: NodeJS.ProcessEnv = {};
    quietAwsSdkNodeWarning(['--env', 'dev'], env);
    expect(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('true');
    const verbose: NodeJS.ProcessEnv = {};
    quietAwsSdkNodeWarning(['--env', 'dev', '--verbose'], verbose);
    expect(verbose.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
    const chosen: NodeJS.ProcessEnv = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' };
    quietAwsSdkNodeWarning([], chosen);
    expect(chosen.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBe('false');
  });

  it('does not reach the real binary’s stderr, whose JSON error and exit code agree', () => {
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const res = spawnSync(
      process.execPath,
      [join(PKG_ROOT, 'bin', 'run.js'), 'list', '--env', 'dev', '--json'],
      {
        cwd: resolve(PKG_ROOT, '../..'),
        encoding: 'utf8',
        env: {
          ...env,
          AUTOMOCK_APP_MODULE: '',
          AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
          AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1',
          AWS_MAX_ATTEMPTS: '1',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'y',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    );
    expect(res.stderr).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout).error.exitCode).toBe(1);
  });
});
