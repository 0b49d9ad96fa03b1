import { Flags } from '@oclif/core';
import { INSTANCE_SIZE_NAMES, INSTANCE_SIZES, InstanceSizeName } from '@automock/core';
import { AutomockCommand } from '../base-command';
import { CliError, EXIT, exitCodes } from '../errors';
import { resolveEnvironment } from '../environment/app-module';
import {
  commandLine,
  CONTAINER_RUNTIMES,
  ContainerRuntime,
  findContainerRuntime,
  planLocalRun,
  runContainer,
} from '../services/local';

export default class Local extends AutomockCommand {
  static override summary =
    'Run the pinned MockServer image locally with an expectations file, as it would be deployed.';

  static override description = `Validates the file as deploy does, then runs MockServer in Docker or Podman (the first found on PATH, or --runtime) with the deployed settings: the same image (the environment's pinned one with --env), user, read-only root with a writable /tmp, memory and CPU of the task size, environment variables and initialisation file path (/config/expectations.json, mounted read-only). MockServer answers on 127.0.0.1 only (its control plane has no authentication). Without Docker or Podman, or with --print, the command is printed instead.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --expectations expectations.json',
    '<%= config.bin %> <%= command.id %> --expectations mocks/user-api.json --env dev --size medium --port 8080',
    '<%= config.bin %> <%= command.id %> --expectations expectations.json --print',
  ];

  static exitCodes = exitCodes({
    [EXIT.failure]:
      'the container runtime could not start MockServer, or MockServer exited with an error',
    [EXIT.usage]: 'bad input: flags, an unknown environment, or expectations that do not validate',
  });

  static override flags = {
    expectations: Flags.string({
      summary: 'MockServer expectations file (JSON: one expectation or an array).',
      required: true,
      helpValue: 'FILE',
    }),
    port: Flags.integer({ summary: 'Port on 127.0.0.1.', default: 1080, min: 1, max: 65535 }),
    size: Flags.string({
      summary:
        'Task size whose memory, CPU and heap to use. @default the environment’s, else small',
      options: [...INSTANCE_SIZE_NAMES],
    }),
    env: Flags.string({
      char: 'e',
      summary: 'Use this environment’s pinned MockServer image and default size.',
    }),
    runtime: Flags.string({
      summary: 'Container runtime. @default docker, else podman, whichever is on PATH',
      options: [...CONTAINER_RUNTIMES],
    }),
    print: Flags.boolean({ summary: 'Print the command instead of running it.', default: false }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Local);
    const env = flags.env === undefined ? undefined : resolveEnvironment(flags.env);
    const sizeName = (flags.size ?? env?.defaultSize ?? 'small') as InstanceSizeName;
    const plan = planLocalRun({
      expectations: flags.expectations,
      hostPort: flags.port,
      size: INSTANCE_SIZES[sizeName],
      image: env?.images.mockserver,
    });
    for (const w of plan.warnings) this.warn(w);
    const wanted = flags.runtime ? [flags.runtime as ContainerRuntime] : CONTAINER_RUNTIMES;
    const runtime = flags.print ? undefined : findContainerRuntime(wanted);
    const line = commandLine(runtime?.name ?? wanted[0]!, plan.args);
    if (!runtime) {
      if (!flags.print)
        this.logToStderr(
          `Neither ${wanted.join(' nor ')} is on PATH; run this where one is (MockServer then answers on ${plan.url}):`,
        );
      this.log(line);
      return;
    }
    this.logToStderr(
      `MockServer ${plan.image}, ${plan.count} expectation${plan.count === 1 ? '' : 's'} from ${flags.expectations}, on ${plan.url} (${sizeName}); Ctrl-C stops it.`,
    );
    this.logToStderr(`> ${line}`);
    const code = await runContainer(runtime, plan.args);
    if (code === EXIT.interrupted) return;
    if (code !== 0)
      throw new CliError(
        `${runtime.name} exited with code ${code}`,
        [`Try it by hand: ${line}`],
        EXIT.failure,
      );
  }
}
