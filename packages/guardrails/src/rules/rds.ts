import { errorRule, PolicyRule } from '../rule';

const INSTANCE = 'aws_db_instance';

/** Days of automated backups below which AM-RDS-3 reports an instance. */
export const RDS_MIN_BACKUP_DAYS = 7;

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
];
