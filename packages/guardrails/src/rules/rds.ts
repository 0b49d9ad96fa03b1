import { asList, StackModel, TfElement } from '../model';
import { errorRule, PolicyRule, RuleViolation } from '../rule';

const INSTANCE = 'aws_db_instance';

/** Days of automated backups below which AM-RDS-3 reports an instance. */
export const RDS_MIN_BACKUP_DAYS = 7;

/**
 * What the security groups of the stack's databases admit that is not a security group of the
 * same stack: address ranges, prefix lists, or groups defined elsewhere (a literal id or another
 * stack's output). Inline `ingress` blocks, `aws_security_group_rule` and
 * `aws_vpc_security_group_ingress_rule` are all read.
 */
function foreignDatabaseSources(stack: StackModel): RuleViolation[] {
  const groups = stack.resources('aws_security_group');
  const local = (ref: unknown) => groups.some((g) => stack.refersTo(ref, g));
  const dbGroups = new Set<TfElement>();
  for (const db of stack.resources(INSTANCE))
    for (const id of asList(db.body.vpc_security_group_ids))
      for (const g of groups) if (stack.refersTo(id, g)) dbGroups.add(g);
  const out: RuleViolation[] = [];
  const report = (address: string, what: string[]) => {
    if (what.length > 0)
      out.push({
        address,
        message: `lets ${what.join(', ')} reach a database; admit only the workload's own security groups (its client services, pgAdmin)`,
      });
  };
  const ranges = (...lists: unknown[]) => lists.flatMap((l) => asList<string>(l)).map(String);
  for (const g of dbGroups) {
    asList(g.body.ingress).forEach((b) =>
      report(g.address, [
        ...ranges(b.cidr_blocks, b.ipv6_cidr_blocks, b.prefix_list_ids),
        ...asList(b.security_groups)
          .filter((ref) => !local(ref))
          .map((ref) => `security group ${String(ref)}`),
      ]),
    );
    for (const r of stack.resources('aws_security_group_rule')) {
      if (r.body.type !== 'ingress' || !stack.refersTo(r.body.security_group_id, g)) continue;
      const source = r.body.source_security_group_id;
      report(r.address, [
        ...ranges(r.body.cidr_blocks, r.body.ipv6_cidr_blocks, r.body.prefix_list_ids),
        ...(source !== undefined && !local(source) ? [`security group ${String(source)}`] : []),
      ]);
    }
    for (const r of stack.attachedTo(
      'aws_vpc_security_group_ingress_rule',
      'security_group_id',
      g,
    )) {
      const source = r.body.referenced_security_group_id;
      report(r.address, [
        ...ranges(r.body.cidr_ipv4, r.body.cidr_ipv6, r.body.prefix_list_id),
        ...(source !== undefined && !local(source) ? [`security group ${String(source)}`] : []),
      ]);
    }
  }
  return out;
}

/** Rules for RDS database instances (issue 14, the workload `database` section). */
export const RDS_RULES: readonly PolicyRule[] = [
  errorRule('AM-RDS-1', 'RDS instances encrypt their storage', (stack) =>
    stack
      .resources(INSTANCE)
      .filter((r) => r.body.storage_encrypted !== true)
      .map((r) => ({
        address: r.address,
        message:
          'does not set storage_encrypted to true: the data and its snapshots are unencrypted',
      })),
  ),
  errorRule(
    'AM-RDS-2',
    'RDS instances are not publicly accessible (no public database without a suppression giving the reason)',
    (stack) =>
      stack
        .resources(INSTANCE)
        .filter((r) => r.body.publicly_accessible === true)
        .map((r) => ({
          address: r.address,
          message:
            'sets publicly_accessible: the database gets an address reachable from the internet',
        })),
  ),
  {
    id: 'AM-RDS-3',
    meaning: `RDS instances keep at least ${RDS_MIN_BACKUP_DAYS} days of automated backups (warning outside production)`,
    level: 'warning',
    productionLevel: 'error',
    check: (stack) =>
      stack
        .resources(INSTANCE)
        .filter((r) => {
          const days = r.body.backup_retention_period;
          // Unset is RDS's default of 1 day (0 would turn backups off).
          return typeof days !== 'number' || days < RDS_MIN_BACKUP_DAYS;
        })
        .map((r) => ({
          address: r.address,
          message: `backup_retention_period is ${JSON.stringify(r.body.backup_retention_period ?? 'unset')}: keep at least ${RDS_MIN_BACKUP_DAYS} days for point-in-time recovery`,
        })),
  },
  {
    id: 'AM-RDS-4',
    meaning:
      'Production RDS instances have deletion protection and take a final snapshot when destroyed',
    level: 'off',
    productionLevel: 'error',
    check: (stack) =>
      stack
        .resources(INSTANCE)
        .filter((r) => r.body.deletion_protection !== true || r.body.skip_final_snapshot === true)
        .map((r) => ({
          address: r.address,
          message:
            r.body.deletion_protection !== true
              ? 'does not set deletion_protection: one destroy loses the database'
              : 'sets skip_final_snapshot: destroying it leaves no snapshot',
        })),
  },
  errorRule(
    'AM-RDS-5',
    'RDS master passwords are never in the configuration or the state (manage_master_user_password, or the write-only password_wo)',
    (stack) =>
      stack
        .resources(INSTANCE)
        .filter((r) => r.body.password !== undefined)
        .map((r) => ({
          address: r.address,
          message:
            'sets password: it is written to the Terraform state in plain text; use manage_master_user_password (RDS keeps it in Secrets Manager)',
        })),
  ),
  errorRule(
    'AM-RDS-6',
    "RDS instances' security groups admit only security groups of the same stack (the workload's services and pgAdmin), never address ranges, prefix lists or outside groups",
    foreignDatabaseSources,
  ),
];
