import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDrift } from './drift';
import { parsePlanJson } from './plan-json';
import { findTerraform, planTransition } from './testing/terraform';

const FILTER = path.join(__dirname, 'reduce-plan.jq');
const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');

function findJq(): string | undefined {
  try {
    execFileSync('jq', ['--version'], { stdio: 'pipe' });
    return 'jq';
  } catch {
    return undefined;
  }
}
const reduce = (json: string): string =>
  execFileSync('jq', ['-f', FILTER], { input: json }).toString();

const jq = findJq();
const tf = findTerraform();
if (!jq)
  console.warn(
    'Skipping reduce-plan.jq tests: no jq binary (the workflows run it on GitHub runners, which have it)',
  );
(jq ? describe : describe.skip)('reduce-plan.jq (what the plan jobs upload)', () => {
  test('the reduced JSON gives exactly the same summary and drift', () => {
    for (const f of ['mixed.plan.json', 'no-changes.plan.json']) {
      expect(parsePlanJson(reduce(fixture(f)), { stack: 's' })).toEqual(
        parsePlanJson(fixture(f), { stack: 's' }),
      );
    }
    for (const f of ['drift.plan.json', 'no-drift.plan.json']) {
      expect(parseDrift(reduce(fixture(f)), { stack: 's' })).toEqual(
        parseDrift(fixture(f), { stack: 's' }),
      );
    }
    expect(parseDrift(reduce(fixture('drift.plan.json'))).deleted).toEqual(['fake_object.c']);
  });

  test('the reduced JSON keeps what the cost estimate reads, and no other value', () => {
    for (const f of [
      'cost-resize.plan.json',
      'cost-nat.plan.json',
      'cost-unpriced-region.plan.json',
    ]) {
      const full = parsePlanJson(fixture(f), { stack: 's' });
      expect(full.cost).toBeDefined();
      expect(parsePlanJson(reduce(fixture(f)), { stack: 's' })).toEqual(full);
    }
    const reduced = reduce(fixture('cost-resize.plan.json'));
    expect(fixture('cost-resize.plan.json')).toContain('s3cret-do-not-upload');
    expect(reduced).not.toContain('s3cret-do-not-upload');
    expect(reduced).not.toContain('container_definitions');
    expect(reduced).not.toContain('automock-dev-petstore-task');
  });

  test('attribute values are gone', () => {
    const reduced = reduce(fixture('mixed.plan.json'));
    expect(fixture('mixed.plan.json')).toContain('"gone"');
    expect(reduced).not.toContain('"gone"');
    expect(fixture('drift.plan.json')).toContain('changed by hand');
    expect(reduce(fixture('drift.plan.json'))).not.toContain('changed by hand');
    expect(reduced).not.toMatch(/"(before|after|planned_values|prior_state|configuration)"/);
    expect(JSON.parse(reduced).pricing).toEqual({ region: null, references: [] });
  });

  if (!tf.bin) console.warn(`Skipping the sensitive-value check: ${tf.reason}`);
  (tf.bin ? test : test.skip)(
    "a sensitive value in a real plan is in terraform's JSON but not in the upload",
    () => {
      const secret = 'hunter2-do-not-upload';
      const cfg = (v: string) => ({
        resource: { terraform_data: { db: { input: `\${sensitive("${v}")}` } } },
        output: { pw: { value: '${terraform_data.db.output}', sensitive: true } },
      });
      const { json, text } = planTransition(tf.bin!, cfg('old'), cfg(secret));
      expect(json).toContain(secret);
      expect(text).not.toContain(secret);
      const reduced = reduce(json);
      expect(reduced).not.toContain(secret);
      expect(parsePlanJson(reduced)).toMatchObject({ change: 1, outputChanges: 1 });
    },
  );
});
