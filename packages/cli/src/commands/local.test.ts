import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateExpectationsText } from '@automock/core';
import { MOCKSERVER_IMAGE } from '@automock/ecs-service/mockserver-settings';
import { buildApp } from '@automock/stacks';
import { runCommand } from '@oclif/test';
import { PKG_ROOT, startHarness } from '../testing/harness';

const EXPECTATIONS = JSON.stringify([
  { id: 'hello', httpRequest: { path: '/hello' }, httpResponse: { statusCode: 200, body: 'hi' } },
]);

/** A `docker` (or `podman`) that records its arguments, one a line, and exits with `code`. */
function fakeRuntime(dir: string, name: string, code = 0): string {
  const record = join(dir, `${name}.args`);
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\nexit ${code}\n`);
  chmodSync(path, 0o755);
  return record;
}

/** `--env K=V` pairs of a recorded command line. */
function envOf(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  args.forEach((a, i) => {
    if (a === '--env') {
      const kv = args[i + 1]!;
      out[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    }
  });
  return out;
}

describe('automock local', () => {
  let dir: string;
  let bin: string;
  let cwd: string;
  let path: string | undefined;
  beforeEach(() => {
    cwd = process.cwd();
    path = process.env.PATH;
    dir = mkdtempSync(join(tmpdir(), 'automock-local-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    process.env.PATH = bin;
    process.chdir(dir);
    writeFileSync(join(dir, 'expectations.json'), EXPECTATIONS, { mode: 0o644 });
  });
  afterEach(() => {
    process.env.PATH = path;
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = undefined;
  });
  const run = (args: string[]) => runCommand(['local', ...args], { root: PKG_ROOT });
  const recorded = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');

  it('runs the pinned image with the deployed settings through docker', async () => {
    const record = fakeRuntime(bin, 'docker');
    const { error, stderr } = await run(['--expectations', 'expectations.json']);
    expect(error).toBeUndefined();
    const args = recorded(record);
    const file = join(dir, 'expectations.json');
    expect(args.slice(0, 16)).toEqual([
      'run',
      '--rm',
      '--publish',
      '127.0.0.1:1080:1080',
      '--user',
      '65532:65532',
      '--read-only',
      '--tmpfs',
      '/tmp:rw,mode=1777',
      '--memory',
      '512m',
      '--cpus',
      '0.25',
      '--volume',
      `${file}:/config/expectations.json:ro`,
      '--env',
    ]);
    expect(args.at(-1)).toBe(MOCKSERVER_IMAGE);
    expect(envOf(args)).toEqual({
      MOCKSERVER_LOG_LEVEL: 'INFO',
      MOCKSERVER_ATTEMPT_TO_PROXY_IF_NO_MATCHING_EXPECTATION: 'false',
      MOCKSERVER_SERVER_PORT: '1080',
      MOCKSERVER_INITIALIZATION_JSON_PATH: '/config/expectations.json',
      MOCKSERVER_FAIL_ON_INITIALIZATION_ERROR: 'true',
      JAVA_TOOL_OPTIONS: expect.stringMatching(/^-Xmx\d+m$/),
      AUTOMOCK_EXPECTATIONS_VERSION: validateExpectationsText(EXPECTATIONS).hash,
    });
    expect(stderr).toMatch(/1 expectation from expectations\.json, on http:\/\/127\.0\.0\.1:1080/);
  });

  it("gives MockServer exactly the environment of the deployed task (dev-petstore's)", async () => {
    const record = fakeRuntime(bin, 'docker');
    const stack = buildApp()
      .node.findAll()
      .find((c) => c.node.path === 'dev-petstore/mockserver/Service/TaskDefinition') as any;
    const defs = JSON.parse(stack.containerDefinitionsInput);
    const deployed = defs.find((c: { name: string }) => c.name === 'mockserver');
    const petstore = join(PKG_ROOT, '../../stacks/projects/petstore/expectations.json');
    const memory = Number(stack.memoryInput);
    const size = { 512: 'small', 1024: 'medium', 2048: 'large', 4096: 'xlarge' }[memory]!;
    await run(['--expectations', petstore, '--size', size]);
    const local = envOf(recorded(record));
    expect(local).toEqual(
      Object.fromEntries(
        deployed.environment.map((e: { name: string; value: string }) => [e.name, e.value]),
      ),
    );
    expect(recorded(record)).toContain(
      `${petstore}:${deployed.mountPoints[0].containerPath}/expectations.json:ro`,
    );
    expect(recorded(record).at(-1)).toBe(deployed.image);
    expect(recorded(record)).toContain(deployed.user);
  });

  it('uses podman when docker is not on PATH, and the port and size asked for', async () => {
    const record = fakeRuntime(bin, 'podman');
    const { error } = await run([
      '--expectations',
      'expectations.json',
      '--port',
      '8080',
      '--size',
      'large',
    ]);
    expect(error).toBeUndefined();
    const args = recorded(record);
    expect(args).toContain('127.0.0.1:8080:1080');
    expect(args).toContain('2048m');
    expect(args).toContain('1');
  });

  it('prints the exact command and exits 0 without docker or podman', async () => {
    writeFileSync(join(dir, "it's.json"), EXPECTATIONS, { mode: 0o644 });
    const quoted = await run(['--expectations', "it's.json"]);
    expect(quoted.error).toBeUndefined();
    // Quoted for a POSIX shell, so it can be pasted as it is.
    expect(quoted.stdout).toContain(
      ` --volume '${dir}/it'\\''s.json:/config/expectations.json:ro' `,
    );
    const { stdout, stderr, error } = await run(['--expectations', 'expectations.json']);
    expect(error).toBeUndefined();
    expect(stderr).toMatch(/Neither docker nor podman is on PATH/);
    expect(stdout.trim()).toMatch(
      /^docker run --rm --publish 127\.0\.0\.1:1080:1080 --user 65532:65532 --read-only .* --env MOCKSERVER_LOG_LEVEL=INFO .* mockserver\/mockserver:9\.4\.0$/,
    );
    expect(stdout).toMatch(/ --env JAVA_TOOL_OPTIONS=-Xmx384m /);
  });

  it('prints instead of running with --print', async () => {
    const record = fakeRuntime(bin, 'docker');
    const { stdout } = await run(['--expectations', 'expectations.json', '--print']);
    expect(stdout).toMatch(/^docker run --rm /);
    expect(() => readFileSync(record)).toThrow();
  });

  it('fails (exit 1) when the container exits with an error', async () => {
    fakeRuntime(bin, 'docker', 125);
    const { error } = await run(['--expectations', 'expectations.json']);
    expect(error?.oclif?.exit).toBe(1);
    expect(error?.message).toMatch(/docker exited with code 125/);
  });

  it('validates the file as deploy does (exit 2) and runs nothing', async () => {
    const record = fakeRuntime(bin, 'docker');
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify([{ httpRequest: { path: '/x' }, httpResponse: { statusCode: '200' } }]),
    );
    const { error } = await run(['--expectations', 'bad.json']);
    expect(error?.oclif?.exit).toBe(2);
    expect(error?.message).toMatch(/bad\.json: \$\[0\]\.httpResponse\.statusCode: got "200"/);
    expect(() => readFileSync(record)).toThrow();
  });

  it("takes an environment's image and default size with --env, and refuses an unknown one (exit 2)", async () => {
    const h = await startHarness({ fake: false });
    try {
      writeFileSync(join(h.root, 'expectations.json'), EXPECTATIONS, { mode: 0o644 });
      const bad = await run(['--expectations', 'expectations.json', '--env', 'nope', '--print']);
      expect(bad.error?.oclif?.exit).toBe(2);
      expect(bad.error?.message).toMatch(/env: got "nope", must be one of test, other/);
      const { stdout, error } = await run([
        '--expectations',
        'expectations.json',
        '--env',
        'test',
        '--print',
      ]);
      expect(error).toBeUndefined();
      expect(stdout).toMatch(/ --memory 512m --cpus 0\.25 .* mockserver\/mockserver:9\.4\.0$/m);
    } finally {
      await h.stop();
    }
  });
});
