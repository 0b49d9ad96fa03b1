import type { PlanJson } from './plan-json';

/** Throws the one error shape of a bad plan document: the field, what it held, the rule. */
export function failPlanJson(field: string, value: unknown, rule: string): never {
  const shown =
    typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : JSON.stringify(value);
  throw new Error(`terraform plan JSON: ${field}: got ${shown ?? String(value)}, ${rule}`);
}

/**
 * The `terraform show -json <planfile>` document, parsed when given as text, after the checks
 * every reader of it needs: an object, of format 1.x.
 */
export function readPlanDocument<T extends PlanJson>(json: string | T): T {
  let plan: unknown = json;
  if (typeof json === 'string') {
    try {
      plan = JSON.parse(json);
    } catch (e) {
      failPlanJson(
        'document',
        json,
        `must be JSON from \`terraform show -json <planfile>\` (${(e as Error).message})`,
      );
    }
  }
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) {
    failPlanJson('document', plan, 'must be an object from `terraform show -json <planfile>`');
  }
  const p = plan as T;
  if (typeof p.format_version !== 'string' || !p.format_version.startsWith('1.')) {
    failPlanJson(
      'format_version',
      p.format_version,
      'must be 1.x (is this the JSON of a plan file?)',
    );
  }
  return p;
}
