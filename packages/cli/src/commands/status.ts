import { Flags } from '@oclif/core';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { table } from '../presentation/format';
import { ProjectStatus, projectStatuses } from '../services/status';
import { showExpiry } from '../presentation/time';
import { declaredWorkload, WorkloadStatus, workloadStatus } from '../services/workload-status';

export default class Status extends AutomockCommand {
  static override summary =
    'Show deployed projects: registry status, time left, URLs and the ECS service.';

  static override description = `Reads the deployments registry and asks ECS about each live project's service: running, desired and pending tasks, the rollout state and the last service events. With --workload, asks ECS about every service of a declared workload instead, and ELB about the target health of each routed one (its database's pgAdmin included, with its path and how to get in).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev --project user-api',
    '<%= config.bin %> <%= command.id %> --env dev',
    '<%= config.bin %> <%= command.id %> --env staging --workload sandbox-broker',
    '<%= config.bin %> <%= command.id %> --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.usage]:
      'bad input: flags (--project and --workload need --env), an unknown environment, or a workload not declared there or invalid',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: Flags.string({ char: 'e', summary: 'Environment. @default every environment' }),
    project: Flags.string({
      char: 'p',
      summary: 'Project name.',
      dependsOn: ['env'],
      exclusive: ['workload'],
    }),
    workload: Flags.string({
      char: 'w',
      summary: 'A declared workload: every one of its services.',
      dependsOn: ['env'],
    }),
  };

  async run(): Promise<ProjectStatus[] | WorkloadStatus> {
    const { flags } = await this.parse(Status);
    if (flags.workload) {
      const w = await workloadStatus(declaredWorkload(flags.env!, flags.workload));
      if (!this.jsonEnabled()) this.printWorkload(w);
      return w;
    }
    const { statuses, warnings } = await projectStatuses({
      env: flags.env,
      project: flags.project,
    });
    for (const w of warnings) this.warn(w);
    if (this.jsonEnabled()) return statuses;
    if (statuses.length === 0)
      this.log(`No projects deployed${flags.env ? ` in ${flags.env}` : ''}.`);
    for (const s of statuses) this.print(s);
    return statuses;
  }

  private printWorkload(w: WorkloadStatus): void {
    this.log(`${w.env}/${w.workload} (stack ${w.stack}): ${w.services.length} services`);
    for (const s of w.services) {
      const rows: string[][] = [];
      if ('error' in s.ecs) rows.push(['service', `unknown (${s.ecs.error})`]);
      else {
        const v = s.ecs;
        rows.push(['service', `${v.service} in ${v.cluster}: ${v.status}`]);
        rows.push(['tasks', `${v.running} running, ${v.desired} desired, ${v.pending} pending`]);
        if (v.rolloutState)
          rows.push([
            'rollout',
            `${v.rolloutState}${v.rolloutReason ? ` (${v.rolloutReason})` : ''}`,
          ]);
        for (const e of v.events) rows.push(['event', `${e.at} ${e.message}`]);
      }
      for (const t of s.targets)
        rows.push([
          'targets',
          'error' in t
            ? `unknown (${t.error})`
            : Object.entries(t.states)
                .map(([k, n]) => `${n} ${k}`)
                .join(', ') || 'none registered',
        ]);
      if (s.pgAdmin) {
        const p = s.pgAdmin;
        rows.unshift(
          [
            'path',
            `${p.path} on the shared ALB: header ${p.header} (token in secret ${p.tokenSecret})${
              p.controlPlaneCidrs.length ? ` or from ${p.controlPlaneCidrs.join(', ')}` : ''
            }; 403 otherwise`,
          ],
          ['login', `${p.email}, password in secret ${p.passwordSecret}`],
        );
      }
      this.log(`  ${s.name} (${s.routing})`);
      this.log(table(rows.map(([k, v]) => [`    ${k}`, v!])));
    }
  }

  private print(s: ProjectStatus): void {
    this.log(`${s.env}/${s.project}: ${s.status}`);
    const rows: string[][] = [
      ['expires', `${showExpiry(s.expiresAt)} (${s.timeLeft} left)`],
      ['created', `${s.createdAt} by ${s.createdBy}`],
    ];
    if (s.size) rows.push(['size', `${s.size}${s.isolation ? `, ${s.isolation} ALB` : ''}`]);
    if (s.urls.mockserver) rows.push(['url', s.urls.mockserver]);
    if (s.urls.dashboard) rows.push(['dashboard', s.urls.dashboard]);
    if (s.urls.metrics) rows.push(['metrics', s.urls.metrics]);
    if (s.failureReason) rows.push(['failure', s.failureReason]);
    if (s.teardown && s.status !== 'destroyed') {
      const t = s.teardown;
      rows.push([
        'teardown',
        `${t.method} since ${t.startedAt}` +
          (t.method === 'sweep' ? `: ${t.runs} runs, ${t.deleted} resources deleted so far` : '') +
          (t.taskArn ? ` (task ${t.taskArn})` : ''),
      ]);
      if (t.fallbackReason) rows.push(['fell back', t.fallbackReason]);
      if (t.lastError) rows.push(['last error', t.lastError.split('\n')[0]!]);
    }
    if (s.service && 'error' in s.service) rows.push(['service', `unknown (${s.service.error})`]);
    else if (s.service) {
      const v = s.service;
      rows.push(['service', `${v.service} in ${v.cluster}: ${v.status}`]);
      rows.push(['tasks', `${v.running} running, ${v.desired} desired, ${v.pending} pending`]);
      if (v.rolloutState)
        rows.push([
          'rollout',
          `${v.rolloutState}${v.rolloutReason ? ` (${v.rolloutReason})` : ''}`,
        ]);
      for (const e of v.events) rows.push(['event', `${e.at} ${e.message}`]);
    }
    this.log(table(rows.map(([k, v]) => [`  ${k}`, v!])));
  }
}
