import { Flags } from '@oclif/core';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { money } from '../services/cost';
import { costReport, CostReport } from '../services/cost-report';
import { table } from '../presentation/format';
import { findProjectRoot } from '../environment/project-root';

export default class Cost extends AutomockCommand {
  static override summary =
    'Estimate what stacks cost per resource, per hour, per month and per TTL session.';

  static override description = `Prices the synthesised stacks with the dated price table of each stack's region (@automock/core; a region without one is refused): Fargate (and Spot) by task size, load balancers, NAT gateways, public IPv4 addresses, interface endpoints, logs, S3 and DynamoDB, at the autoscaling minimum and at the maximum. Usage-based parts (ALB LCUs, data transfer out, NAT and endpoint data, log volume, HTTP API requests, SES emails, Cognito monthly active users) use the assumptions printed with the estimate (and in --json). --min-tasks/--max-tasks price another range, e.g. a load test from 10 to 200 tasks. A workload (--workload) is priced the same way: its services' tasks, load balancers, endpoints, logs, buckets, tables, secrets and keys, its database (instance hours, gp3 storage and the secret of an RDS-managed password), file systems (storage) and HTTP API (requests, at an assumed rate; its VPC link has no charge), mail (emails its domain sends) and user pool (monthly active users beyond the free 10,000), both at assumed rates; not priced: its scheduled and event tasks' runs, SQS queues, SNS topics, ECR storage, EventBridge and Cloud Map.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev',
    '<%= config.bin %> <%= command.id %> --env dev --project user-api --hours 8',
    '<%= config.bin %> <%= command.id %> --env staging --project petstore --min-tasks 10 --max-tasks 200',
    '<%= config.bin %> <%= command.id %> --env staging --workload sandbox-broker',
    '<%= config.bin %> <%= command.id %> --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.usage]:
      'bad input: flags, an unknown environment, a project neither declared nor deployed, a workload not declared, or a region without a price table',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: Flags.string({
      char: 'e',
      summary: 'Only this environment (its environment stack and projects).',
    }),
    project: Flags.string({
      char: 'p',
      summary: 'Only this project (declared, or deployed with automock deploy).',
      dependsOn: ['env'],
      exclusive: ['workload'],
    }),
    workload: Flags.string({
      char: 'w',
      summary: 'Only this declared workload (stack <env>-<workload>).',
      dependsOn: ['env'],
    }),
    hours: Flags.integer({
      summary:
        'Length of the session to price. @default the environment’s default TTL (a month when it is 0, never), or 8',
      min: 1,
    }),
    'min-tasks': Flags.integer({
      summary: 'Tasks of every service at the minimum. @default each service’s autoscaling minimum',
      min: 0,
    }),
    'max-tasks': Flags.integer({
      summary:
        'Tasks of every service at the maximum (at least --min-tasks). @default each service’s autoscaling maximum',
      min: 0,
    }),
  };

  async run(): Promise<CostReport> {
    const { flags } = await this.parse(Cost);
    const r = await costReport(findProjectRoot(), {
      ...flags,
      minTasks: flags['min-tasks'],
      maxTasks: flags['max-tasks'],
    });
    if (this.jsonEnabled()) return r;
    const assumptions = new Set<string>();
    const ratePer = (n: number) => `$${n.toFixed(4)}/h`;
    for (const s of r.stacks) {
      this.log(
        `${s.stack} (${s.region}): ${money(s.minimum.hourly)}/hour, ${money(s.minimum.monthly)}/month at the minimum (${tasksText(s.minimum.tasks)}); ${money(s.maximum.hourly)}/hour, ${money(s.maximum.monthly)}/month at the maximum (${tasksText(s.maximum.tasks)})`,
      );
      if (s.minimum.lines.length === 0) {
        this.log('  (nothing with a running cost)');
        continue;
      }
      this.log(
        table(
          s.minimum.lines.map((l, i) => {
            const atMax = s.maximum.lines[i]!;
            for (const a of [l.assumption, atMax.assumption])
              if (a) assumptions.add(`${l.item}: ${a}`);
            return [
              `  ${l.resource}`,
              l.item,
              ratePer(l.hourly),
              ratePer(atMax.hourly),
              l.basis + (l.assumption ? ' *' : ''),
            ];
          }),
          ['  resource', 'item', 'minimum', 'maximum', 'basis (at the minimum)'],
        ),
      );
      this.log('');
    }
    const session = `${r.hours} h session${r.hoursFrom === 'no-ttl' ? ` (${flags.env}'s projects never expire: a month)` : ''}`;
    this.log(
      `Total at the minimum (${tasksText(r.minimum.tasks)}): ${money(r.minimum.hourly)}/hour, ${money(r.minimum.monthly)}/month (${r.hoursPerMonth} h), ${money(r.minimum.session)} for a ${session}`,
    );
    this.log(
      `Total at the maximum (${tasksText(r.maximum.tasks)}): ${money(r.maximum.hourly)}/hour, ${money(r.maximum.monthly)}/month, ${money(r.maximum.session)} for a ${session}`,
    );
    for (const t of r.priceTables) {
      const pages = [...new Set(Object.values(t.sources))].join(' ');
      this.log(`Prices: ${t.region} on-demand list prices as of ${t.asOf}, from ${pages}`);
    }
    if (assumptions.size) {
      this.log('* usage-based, assumed:');
      for (const a of assumptions) this.log(`  - ${a}`);
    }
    return r;
  }
}

function tasksText(n: number): string {
  return `${n} task${n === 1 ? '' : 's'}`;
}
