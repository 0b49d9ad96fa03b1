/**
 * EventBridge Scheduler's schedule expressions, checked as the service documents them
 * (Scheduler User Guide, "Schedule types"; EventBridge User Guide, "Cron expressions reference"):
 * - `rate(value unit)`: a positive whole number and `minute|minutes|hour|hours|day|days`, the
 *   singular unit exactly when the value is 1;
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields, each with its own values
 *   and wildcards, day-of-month and day-of-week never both given (one of them must be `?`);
 * - `at(yyyy-mm-ddThh:mm:ss)`: one date and time that exists on the calendar.
 *
 * Returns the rule the expression breaks, or undefined when Scheduler would accept it.
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const m = /^(rate|cron|at)\((.*)\)$/s.exec(expression);
  if (!m)
    return 'must be rate(<n> <unit>), cron(<6 fields>) or at(yyyy-mm-ddThh:mm:ss) (EventBridge Scheduler schedule expression)';
  const [, kind, body] = m as unknown as [string, 'rate' | 'cron' | 'at', string];
  if (kind === 'rate') return rateProblem(body);
  if (kind === 'at') return atProblem(body);
  return cronProblem(body);
}

const RATE_UNITS = ['minute', 'minutes', 'hour', 'hours', 'day', 'days'];

function rateProblem(body: string): string | undefined {
  const m = /^(\S+) (\S+)$/.exec(body);
  if (!m) return 'rate() takes a value and a unit separated by one space, e.g. rate(5 minutes)';
  const [, value, unit] = m as unknown as [string, string, string];
  if (!/^[1-9]\d*$/.test(value)) return `rate() value ${value} must be a positive whole number`;
  if (!RATE_UNITS.includes(unit))
    return `rate() unit ${unit} must be one of ${RATE_UNITS.join(', ')}`;
  const singular = !unit.endsWith('s');
  if (value === '1' && !singular)
    return `rate(1 ...) takes the singular unit (${unit.slice(0, -1)})`;
  if (value !== '1' && singular) return `rate(${value} ...) takes the plural unit (${unit}s)`;
  return undefined;
}

function atProblem(body: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!m) return 'at() takes a date and time as yyyy-mm-ddThh:mm:ss, without a zone (see timezone)';
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const exists =
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s;
  return exists ? undefined : `at() date and time ${body} does not exist on the calendar`;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Wildcards the documentation allows in this field. */
  readonly wildcards: string;
  /** Names standing for values (month and day names), the first meaning `min`. */
  readonly names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59, wildcards: ',-*/' },
  { name: 'hours', min: 0, max: 23, wildcards: ',-*/' },
  { name: 'day-of-month', min: 1, max: 31, wildcards: ',-*?/LW' },
  { name: 'month', min: 1, max: 12, wildcards: ',-*/', names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, wildcards: ',-*?L#', names: DAYS },
  { name: 'year', min: 1970, max: 2199, wildcards: ',-*/' },
];

function valueOf(token: string, f: CronField): number | undefined {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= f.min && n <= f.max ? n : undefined;
  }
  const i = f.names?.indexOf(token.toUpperCase()) ?? -1;
  return i >= 0 ? f.min + i : undefined;
}

function allowed(f: CronField): string {
  return `${f.min}-${f.max}${f.names ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : ''}`;
}

function cronFieldProblem(text: string, f: CronField): string | undefined {
  const where = `cron() ${f.name} field ${text}`;
  for (const ch of text.replace(/[A-Za-z0-9]/g, '')) {
    if (!f.wildcards.includes(ch))
      return `${where}: wildcard ${ch} is not allowed (allowed: ${f.wildcards.split('').join(' ')})`;
  }
  if (text.includes('?')) return text === '?' ? undefined : `${where}: ? stands alone`;
  // L, W and # name one day each: the documentation allows a single such expression per field.
  if (f.name === 'day-of-month' && /[LW]/.test(text)) {
    if (text === 'L') return undefined;
    const w = /^(\d+)W$/.exec(text);
    if (w && valueOf(w[1]!, f) !== undefined) return undefined;
    return `${where}: L stands alone and W follows one day (e.g. 3W, the weekday nearest the 3rd)`;
  }
  if (f.name === 'day-of-week' && text.includes('#')) {
    const h = /^([^#,]+)#([1-5])$/.exec(text);
    if (h && valueOf(h[1]!, f) !== undefined) return undefined;
    return `${where}: # takes one day and its week of the month 1-5 (e.g. 3#2), and only one such expression`;
  }
  // No day name contains an L, so an L in this field is the wildcard.
  if (f.name === 'day-of-week' && text.includes('L')) {
    const l = /^(.*)L$/.exec(text);
    if (text === 'L' || (l && valueOf(l[1]!, f) !== undefined)) return undefined;
    return `${where}: L stands alone or follows one day (e.g. 6L, the last Friday)`;
  }
  for (const item of text.split(',')) {
    if (item === '') return `${where}: empty list item`;
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return `${where}: one / per item`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step))
      return `${where}: the increment after / must be a positive whole number`;
    if (range === '*') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2 || bounds.some((b) => valueOf(b, f) === undefined))
      return `${where}: ${range} is not a value or range of ${allowed(f)}`;
  }
  return undefined;
}

function cronProblem(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6)
    return `cron() takes 6 fields (minutes hours day-of-month month day-of-week year), found ${body.trim() === '' ? 0 : fields.length}`;
  for (let i = 0; i < 6; i++) {
    const problem = cronFieldProblem(fields[i]!, FIELDS[i]!);
    if (problem) return problem;
  }
  const dom = fields[2]!;
  const dow = fields[4]!;
  if ((dom === '?') === (dow === '?'))
    return 'cron() day-of-month and day-of-week cannot both be given: one of them must be ? (and not both)';
  return undefined;
}
