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

  static override description = `Prices the synthesised stacks with the dated us-east-1 price table in @automock/core: Fargate (and Spot) by task size at the autoscaling minimum, load balancers, NAT gateways, public IPv4 addresses, interface endpoints, logs, S3 and DynamoDB. Usage-based parts (LCUs, data processed, log volume) use a stated assumption. Other regions cost up to about 30% more.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev',
    '<%= config.bin %> <%= command.id %> --env dev --project user-api --hours 8',
    '<%= config.bin %> <%= command.id %> --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.usage]:
      'bad input: flags, an unknown environment, or a project neither declared nor deployed',
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
    }),
    hours: Flags.integer({
      summary:
        'Length of the session to price. @default the environment’s default TTL (a month when it is 0, never), or 8',
      min: 1,
    }),
  };

  async run(): Promise<CostReport> {
    const { flags } = await this.parse(Cost);
    const r = await costReport(findProjectRoot(), flags);
    if (this.jsonEnabled()) return r;
    const assumptions = new Set<string>();
    for (const s of r.stacks) {
      this.log(`${s.stack}: ${money(s.hourly)}/hour, ${money(s.monthly)}/month`);
      if (s.lines.length === 0) {
        this.log('  (nothing with a running cost)');
        continue;
      }
      this.log(
        table(
          s.lines.map((l) => {
            if (l.assumption) assumptions.add(`${l.item}: ${l.assumption}`);
            return [
              `  ${l.resource}`,
              l.item,
              `$${l.hourly.toFixed(4)}/h`,
              l.basis + (l.assumption ? ' *' : ''),
            ];
          }),
          ['  resource', 'item', 'per hour', 'basis'],
        ),
      );
      this.log('');
    }
    this.log(
      `Total: ${money(r.hourly)}/hour, ${money(r.monthly)}/month (${r.hoursPerMonth} h), ${money(r.session)} for a ${r.hours} h session${r.hoursFrom === 'no-ttl' ? ` (${flags.env}'s projects never expire: a month)` : ''}`,
    );
    this.log(`Prices: ${r.prices}.`);
    if (assumptions.size) {
      this.log('* usage-based, assumed:');
      for (const a of assumptions) this.log(`  - ${a}`);
    }
    return r;
  }
}
