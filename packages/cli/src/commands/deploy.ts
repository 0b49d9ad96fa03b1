import { Flags } from '@oclif/core';
import {
  INSTANCE_SIZE_NAMES,
  InstanceSizeName,
  INSTANCE_SIZES,
  MAX_TTL_HOURS,
} from '@automock/core';
import { AutomockCommand } from '../base-command';
import { envFlag } from '../flags';
import { money, priceSource } from '../services/cost';
import {
  DeployRequest,
  DeployResult,
  executeDeploy,
  prepareDeploy,
  PreparedDeploy,
  validateDeploy,
} from '../services/deploy';
import {
  executeWorkloadDeploy,
  prepareWorkloadDeploy,
  previewFlags,
  validateWorkloadDeploy,
  WorkloadDeployRequest,
  WorkloadDeployResult,
} from '../services/deploy-workload';
import { WAIT_DEFAULTS } from '../services/wait-for-mock';
import { waitProgress } from '../presentation/progress';
import { resolveEnvironment } from '../environment/app-module';
import { CliError, EXIT, exitCodes, TERRAFORM_EXIT_CODES } from '../errors';
import { findProjectRoot } from '../environment/project-root';
import * as prompt from '../presentation/prompt';
import { TerraformRunner } from '../terraform/terraform';
import { showExpiry } from '../presentation/time';

export default class Deploy extends AutomockCommand {
  static override summary =
    'Deploy a MockServer for a project, or a preview of a workload, with a time to live.';

  static override description = `Validates the options and the expectations file (before anything else, the terraform check included), refuses a project that is already active, registers the project as deploying, synthesises its stack, stores the synthesised JSON in the state bucket (the teardown destroys from it) and applies it. It then waits until the ECS service is stable, its load balancer targets are healthy and the mock answers GET /mockserver/ready through its URL with its expectations loaded (on a terminal one progress line, elsewhere one line per step; --no-wait skips this), and only then marks it active with its URLs. A failed or interrupted apply, a circuit-breaker rollback, tasks that stop or the --wait-timeout mark it failed with the reason and ECS's latest events.

On a terminal, options not given (size, TTL, notification email) are asked for, and the cost estimate is shown for confirmation before anything is created.

With --workload (a declared workload's name, or a workload YAML file) it deploys an ephemeral preview of that workload instead: the workload <workload>-<name> (--name, default "preview"; shortened with a hash to 24 characters) in stack <env>-<workload>-<name>, with its own state key, resource names and tags, synthesised with ephemeral: true (no deletion protection, buckets and repositories emptied with it, secrets deleted at once), recorded in the registry as kind workload with its TTL. list, extend-ttl and destroy then name it with --project <workload>-<name>, and the reaper tears it down when it expires. A preview whose services use the shared ALB is refused where the workload (or another preview of it) is live, as both would answer the same paths.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev --project user-api --expectations mocks/user-api.json',
    '<%= config.bin %> <%= command.id %> -e dev -p user-api --expectations mocks/user-api.json --size medium --ttl-hours 8 --notification-email admin@example.com',
    '<%= config.bin %> <%= command.id %> -e staging -p load-test --expectations mocks/api.json --isolation dedicated --min-tasks 10 --max-tasks 200 --yes',
    '<%= config.bin %> <%= command.id %> -e dev --workload sandbox-broker --name pr-42 --ttl-hours 8 --yes',
    '<%= config.bin %> <%= command.id %> -e dev --workload ./preview/orders.yaml --ttl-hours 2 --yes',
  ];

  static exitCodes = exitCodes({
    ...TERRAFORM_EXIT_CODES,
    [EXIT.failure]:
      'terraform or AWS failed, or the mock did not come up (rollback, stopped tasks, timeout): the registry says failed, with the reason; or the project is already deployed',
    [EXIT.usage]:
      'bad input: flags, an unknown environment, an invalid project (field, value and rule named) or expectations file, an unknown or invalid workload, preview name or TTL',
    [EXIT.declined]: 'not confirmed at the prompt; nothing was created',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: envFlag,
    project: Flags.string({
      char: 'p',
      summary: 'Project name (a MockServer deploy).',
      exactlyOne: ['project', 'workload'],
      dependsOn: ['expectations'],
    }),
    expectations: Flags.string({
      summary: 'MockServer expectations file (JSON: one expectation or an array).',
      helpValue: 'FILE',
      exclusive: ['workload'],
    }),
    workload: Flags.string({
      char: 'w',
      summary:
        'Deploy an ephemeral preview of this workload: a declared workload’s name, or a workload YAML file.',
      helpValue: 'NAME|FILE',
      exactlyOne: ['project', 'workload'],
    }),
    name: Flags.string({
      summary:
        'With --workload: the preview’s suffix; it is deployed as workload <workload>-<name>. @default preview',
      dependsOn: ['workload'],
    }),
    'ttl-hours': Flags.integer({
      summary: `Hours until automatic teardown, 0 = never (max ${MAX_TTL_HOURS}).`,
      min: 0,
      max: MAX_TTL_HOURS,
    }),
    size: Flags.string({
      summary: 'Task size.',
      options: [...INSTANCE_SIZE_NAMES],
      exclusive: ['workload'],
    }),
    'min-tasks': Flags.integer({
      summary: 'Minimum running tasks.',
      min: 1,
      exclusive: ['workload'],
    }),
    'max-tasks': Flags.integer({
      summary: 'Maximum tasks under autoscaling.',
      min: 1,
      exclusive: ['workload'],
    }),
    isolation: Flags.string({
      summary:
        'shared: a rule on the environment’s ALB (cheap, fast); dedicated: own network and ALB (load tests).',
      options: ['shared', 'dedicated'],
      exclusive: ['workload'],
    }),
    'notification-email': Flags.string({
      summary:
        'Email for the expiry warnings, alarms and the teardown notice (SNS asks it to confirm first).',
      exclusive: ['workload'],
    }),
    'listener-port': Flags.integer({
      summary:
        'Port of the project’s listener on the shared ALB (environment without a domain). @default a free one, allocated through the registry',
      min: 1024,
      max: 65535,
      exclusive: ['workload'],
    }),
    yes: Flags.boolean({
      char: 'y',
      summary: 'Do not ask; deploy with the flags given and the environment’s defaults.',
      default: false,
    }),
    wait: Flags.boolean({
      summary:
        'Wait until the service is stable, its targets healthy and the mock answers with its expectations (--no-wait: done once applied).',
      default: true,
      allowNo: true,
    }),
    'wait-timeout': Flags.integer({
      summary: 'Minutes to wait for the mock before marking it failed.',
      default: WAIT_DEFAULTS.timeoutMs / 60_000,
      min: 1,
      max: 60,
    }),
    verbose: Flags.boolean({
      summary: 'Stream terraform’s output (and show the AWS SDK’s warnings).',
      default: false,
    }),
  };

  async run(): Promise<DeployResult | WorkloadDeployResult> {
    const { flags } = await this.parse(Deploy);
    if (flags.workload)
      return this.deployWorkload({
        env: flags.env,
        workload: flags.workload,
        name: flags.name,
        ttlHours: flags['ttl-hours'],
        yes: flags.yes,
        verbose: flags.verbose,
      });
    const root = findProjectRoot();
    const env = resolveEnvironment(flags.env);
    // Bad flags and files are reported before anything else (questions, the terraform check, AWS).
    validateDeploy(this.request(flags, flags.size as InstanceSizeName | undefined));
    const ask = !flags.yes && !this.jsonEnabled() && prompt.interactive();
    let size = flags.size as InstanceSizeName | undefined;
    let ttl = flags['ttl-hours'];
    let email = flags['notification-email'];
    if (ask) {
      size ??= (await prompt.choose(
        'Instance size:',
        INSTANCE_SIZE_NAMES.map((s) => s),
        env.defaultSize,
      )) as InstanceSizeName;
      while (ttl === undefined) {
        const a = await prompt.ask(
          'Auto-teardown after how many hours (0 = never)',
          // 0 is an answer ("never"), as in production environments, not a missing default.
          String(env.defaultTtlHours),
        );
        const n = Number(a);
        if (Number.isInteger(n) && n >= 0 && n <= MAX_TTL_HOURS) ttl = n;
        else this.logToStderr(`  Please answer a whole number from 0 to ${MAX_TTL_HOURS}`);
      }
      if (email === undefined && ttl > 0)
        email = (await prompt.ask('Notification email (optional)')) || undefined;
    }
    const req = this.request(flags, size, ttl, email);
    const validated = validateDeploy(req);
    const runner = new TerraformRunner({ verbose: flags.verbose });
    const prepared = await prepareDeploy(root, req, undefined, validated);
    this.showPlan(prepared);
    if (ask && !(await prompt.confirm('Proceed with deployment?', true))) {
      throw new CliError('Deployment cancelled; nothing was created.', [], EXIT.declined);
    }
    const result = await executeDeploy(prepared, runner, {
      wait: flags.wait && {
        timeoutMs: flags['wait-timeout'] * 60_000,
        progress: this.jsonEnabled() ? undefined : waitProgress(),
      },
    });
    if (!this.jsonEnabled()) {
      this.log('');
      this.log(
        `Deployed ${result.env}/${result.project}${result.serving ? `: serving its expectations after ${Math.round(result.serving.waitedMs / 1000)} s` : ' (not waited for: --no-wait)'}`,
      );
      if (result.urls.mockserver) this.log(`  MockServer URL: ${result.urls.mockserver}`);
      if (result.urls.dashboard) this.log(`  Dashboard:      ${result.urls.dashboard}`);
      this.log(
        `  Expires:        ${showExpiry(result.expiresAt)}${result.ttlHours > 0 ? ` (TTL ${result.ttlHours} h)` : ''}`,
      );
      if (result.cost)
        this.log(
          `  Cost:           ~${money(result.cost.hourly)}/hour${result.cost.session !== undefined ? `, ~${money(result.cost.session)} for this TTL` : ''}`,
        );
      this.log(
        `  Extend:         automock extend-ttl --env ${result.env} --project ${result.project} --hours 4`,
      );
      if (req.notificationEmail) this.log(emailConfirmationNote(req.notificationEmail));
    }
    return result;
  }

  private async deployWorkload(
    req: WorkloadDeployRequest & { yes: boolean; verbose: boolean },
  ): Promise<WorkloadDeployResult> {
    const root = findProjectRoot();
    // Bad flags, names and workload definitions are reported before the terraform check and AWS.
    const validated = validateWorkloadDeploy(req);
    const ask = !req.yes && !this.jsonEnabled() && prompt.interactive();
    const runner = new TerraformRunner({ verbose: req.verbose });
    const p = await prepareWorkloadDeploy(root, validated);
    const ttl = p.workload.ttlHours;
    this.logToStderr(
      `Deploying a preview of workload ${p.preview.workload} to ${p.ctx.env.name} as ${p.preview.previewName} (stack ${p.stack.name}, ${p.stack.resources} resources), TTL ${ttl ? `${ttl} h` : 'none'}`,
    );
    this.logToStderr(
      p.cost
        ? `Estimated cost: ~${money(p.cost.hourly)}/hour${ttl ? `, ~${money(p.cost.hourly * ttl)} for ${ttl} h` : `, ~${money(p.cost.monthly)}/month`} (${priceSource(p.cost)}; usage-based parts assumed, see automock cost)`
        : `Estimated cost: unknown (${p.unpriced})`,
    );
    if (ask && !(await prompt.confirm('Proceed with deployment?', true))) {
      throw new CliError('Deployment cancelled; nothing was created.', [], EXIT.declined);
    }
    const result = await executeWorkloadDeploy(p, runner);
    if (!this.jsonEnabled()) {
      const flags = previewFlags(result.env, result.project);
      this.log('');
      this.log(
        `Deployed ${result.env}/${result.project}, a preview of workload ${result.workload}`,
      );
      this.log(
        `  Expires:        ${showExpiry(result.expiresAt)}${result.ttlHours > 0 ? ` (TTL ${result.ttlHours} h)` : ''}`,
      );
      if (result.cost)
        this.log(
          `  Cost:           ~${money(result.cost.hourly)}/hour${result.cost.session !== undefined ? `, ~${money(result.cost.session)} for this TTL` : ''}`,
        );
      for (const [k, v] of Object.entries(result.outputs)) this.log(`  ${k}: ${v}`);
      this.log(`  Extend:         automock extend-ttl ${flags} --hours 4`);
      this.log(`  Destroy:        automock destroy ${flags}`);
    }
    return result;
  }

  private request(
    flags: {
      env: string;
      project?: string;
      expectations?: string;
      'ttl-hours'?: number;
      'min-tasks'?: number;
      'max-tasks'?: number;
      isolation?: string;
      'notification-email'?: string;
      'listener-port'?: number;
    },
    size: InstanceSizeName | undefined,
    ttl = flags['ttl-hours'],
    email = flags['notification-email'],
  ): DeployRequest {
    return {
      env: flags.env,
      // --project needs --expectations, and one of --project and --workload is required (oclif).
      project: flags.project!,
      expectations: flags.expectations!,
      ttlHours: ttl,
      size,
      minTasks: flags['min-tasks'],
      maxTasks: flags['max-tasks'],
      isolation: flags.isolation as DeployRequest['isolation'],
      notificationEmail: email,
      listenerPort: flags['listener-port'],
    };
  }

  private showPlan(p: PreparedDeploy): void {
    const size =
      p.project.sizeName === 'custom'
        ? `${p.project.size.cpu} CPU / ${p.project.size.memory} MiB`
        : `${p.project.sizeName} (${INSTANCE_SIZES[p.project.sizeName].cpu} CPU units, ${INSTANCE_SIZES[p.project.sizeName].memory} MiB)`;
    const ttl = p.project.ttlHours;
    this.logToStderr(
      `Deploying ${p.ctx.env.name}/${p.project.name}: ${size}, ${p.project.minTasks}-${p.project.maxTasks} tasks, ${p.project.isolation} ALB, TTL ${ttl ? `${ttl} h` : 'none'}, ${p.project.expectations.count} expectation${p.project.expectations.count === 1 ? '' : 's'}`,
    );
    this.logToStderr(
      p.cost
        ? `Estimated cost: ~${money(p.cost.hourly)}/hour${ttl ? `, ~${money(p.cost.hourly * ttl)} for ${ttl} h` : `, ~${money(p.cost.monthly)}/month`} (${priceSource(p.cost)}; usage-based parts assumed, see automock cost)`
        : `Estimated cost: unknown (${p.unpriced})`,
    );
  }
}

/**
 * SNS delivers nothing to an email address until its owner confirms the subscription: the apply
 * created it "pending confirmation" and SNS mailed a link, valid for three days (SNS API
 * reference, Subscribe). Said after every deploy with an address, since the CLI cannot tell.
 */
export function emailConfirmationNote(email: string): string {
  return (
    `  Notifications:  SNS has sent a confirmation email to ${email}; expiry warnings, alarms and ` +
    `the teardown notice reach it only after the link in it is clicked (valid for 3 days)`
  );
}
