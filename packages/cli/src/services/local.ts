import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { ConfigValidationError, TaskSize, validateExpectationsBytes } from '@automock/core';
import {
  initializationJsonPath,
  MOCKSERVER_IMAGE,
  MOCKSERVER_PORT,
  MOCKSERVER_USER,
  mockServerEnvironment,
} from '@automock/ecs-service/mockserver-settings';
import { CliError, EXIT } from '../errors';
import { shellWord } from '../presentation/shell';

/** Container runtimes `automock local` drives, in the order it looks for them. */
export const CONTAINER_RUNTIMES = ['docker', 'podman'] as const;
export type ContainerRuntime = (typeof CONTAINER_RUNTIMES)[number];

/** The object name the config bucket stores expectations under, and so the deployed file name. */
const EXPECTATIONS_KEY = 'expectations.json';

/** A runtime found on PATH. */
export interface FoundRuntime {
  readonly name: ContainerRuntime;
  /** Absolute path of the executable. */
  readonly path: string;
}

/** The first of `names` that is an executable file in a PATH directory. */
export function findContainerRuntime(
  names: readonly ContainerRuntime[] = CONTAINER_RUNTIMES,
  pathEnv = process.env.PATH ?? '',
): FoundRuntime | undefined {
  const dirs = pathEnv.split(delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const path = join(dir, name);
      try {
        if (!statSync(path).isFile()) continue;
        accessSync(path, constants.X_OK);
        return { name, path };
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** What a local run needs. */
export interface LocalRunOptions {
  /** The expectations file (validated before anything runs). */
  readonly expectations: string;
  /** Port on 127.0.0.1 that reaches MockServer. */
  readonly hostPort: number;
  /** Task size: memory and CPU limits, and the JVM heap derived from the memory. */
  readonly size: TaskSize;
  /** MockServer image: the deployed one (the environment's pin, else the built-in tag). */
  readonly image?: string;
}

/** The validated run: the arguments after the runtime's name, and what they were made from. */
export interface LocalRunPlan {
  /** `run …` arguments for docker or podman (the same for both). */
  readonly args: string[];
  readonly file: string;
  readonly image: string;
  readonly count: number;
  readonly url: string;
  /** Why MockServer may fail to read the file, if it may. */
  readonly warnings: string[];
}

/**
 * Validates the file as deploy does and builds the container command: the deployed image, user,
 * read-only root with a writable /tmp, memory and CPU of the task size, the same environment
 * variables (ecs-service's `mockServerEnvironment`) and the file at the same path. Published on
 * 127.0.0.1 only: MockServer's control plane has no authentication.
 *
 * @throws ConfigValidationError when the file is not valid expectations (exit 2).
 */
export function planLocalRun(o: LocalRunOptions): LocalRunPlan {
  const file = resolve(o.expectations);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ConfigValidationError('automock local', [
      {
        field: '--expectations',
        value: o.expectations,
        rule: `must be a readable file (${(e as Error).message})`,
      },
    ]);
  }
  const validated = validateExpectationsBytes(bytes, o.expectations);
  const target = initializationJsonPath(EXPECTATIONS_KEY);
  const env = mockServerEnvironment({
    initializationJsonPath: target,
    memoryMiB: o.size.memory,
    expectationsVersion: validated.hash,
  });
  const image = o.image ?? MOCKSERVER_IMAGE;
  const warnings: string[] = [];
  if ((statSync(file).mode & 0o004) === 0)
    warnings.push(
      `${o.expectations} is not readable by other users: MockServer runs as ${MOCKSERVER_USER} and may fail to load it (chmod o+r)`,
    );
  const args = [
    'run',
    '--rm',
    '--publish',
    `127.0.0.1:${o.hostPort}:${MOCKSERVER_PORT}`,
    '--user',
    MOCKSERVER_USER,
    '--read-only',
    '--tmpfs',
    '/tmp:rw,mode=1777',
    '--memory',
    `${o.size.memory}m`,
    '--cpus',
    String(o.size.cpu / 1024),
    '--volume',
    `${file}:${target}:ro`,
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    image,
  ];
  return {
    args,
    file,
    image,
    count: validated.count,
    url: `http://127.0.0.1:${o.hostPort}`,
    warnings,
  };
}

/** The command line, as it would be typed. */
export function commandLine(runtime: string, args: readonly string[]): string {
  return [runtime, ...args].map(shellWord).join(' ');
}

/** Runs the container in the foreground; resolves with the runtime's exit code. */
export function runContainer(runtime: FoundRuntime, args: readonly string[]): Promise<number> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(runtime.path, args, { stdio: 'inherit' });
    // Ctrl-C reaches the runtime through the terminal's process group; it stops the container.
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    child.on('error', (e) => {
      process.off('SIGINT', ignore);
      reject(new CliError(`${runtime.name} could not be started: ${e.message}`, [], EXIT.failure));
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolveExit(code ?? (signal === 'SIGINT' ? EXIT.interrupted : EXIT.failure));
    });
  });
}
