import { errorRule, PolicyRule } from '../rule';

type Json = Record<string, unknown>;

/** A block the provider takes one of: cdktf writes it as an object, hand-written JSON as a list. */
function blocks(value: unknown): Json[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is Json => v !== null && typeof v === 'object');
}

/** Rules for EFS file systems and the task volumes that mount them (issue 14, workload `files`). */
export const EFS_RULES: readonly PolicyRule[] = [
  errorRule('AM-EFS-1', 'EFS file systems are encrypted at rest', (stack) =>
    stack
      .resources('aws_efs_file_system')
      .filter((r) => r.body.encrypted !== true)
      .map((r) => ({
        address: r.address,
        message: 'does not set encrypted to true: the files and their metadata are unencrypted',
      })),
  ),
  errorRule(
    'AM-EFS-2',
    'Task definitions mount EFS with encryption in transit (transit_encryption ENABLED)',
    (stack) =>
      stack.resources('aws_ecs_task_definition').flatMap((r) =>
        blocks(r.body.volume)
          .filter((v) =>
            blocks(v.efs_volume_configuration).some((c) => c.transit_encryption !== 'ENABLED'),
          )
          .map((v) => ({
            address: r.address,
            message: `volume ${JSON.stringify(v.name)} mounts EFS without transit_encryption ENABLED: NFS traffic travels in clear text`,
          })),
      ),
  ),
];
