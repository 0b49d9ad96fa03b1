import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { failedStackSummary, hasChanges, parsePlanJson } from './plan-json';
import { findTerraform, MIXED_AFTER, MIXED_BEFORE, planTransition } from './testing/terraform';

const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');

function expectMixed(json: string): void {
  const s = parsePlanJson(json, { stack: 'dev' });
  expect(s).toMatchObject({
    stack: 'dev',
    status: 'ok',
    add: 1,
    change: 1,
    destroy: 1,
    replace: 2,
    noOp: 1,
    forget: 0,
    outputChanges: 1,
  });
  expect(s.destroyed).toEqual(['terraform_data.destroyed']);
  // both replacement orders (delete-then-create and create_before_destroy) count as replace
  expect([...s.replaced].sort()).toEqual([
    'terraform_data.replaced',
    'terraform_data.replaced_cbd',
  ]);
  expect(hasChanges(s)).toBe(true);
}

describe('parsePlanJson on recorded terraform 1.11 output', () => {
  test('counts create, update, destroy, both replace orders, no-op and outputs', () => {
    expectMixed(fixture('mixed.plan.json'));
  });

  test('a plan without changes has only no-ops', () => {
    const s = parsePlanJson(fixture('no-changes.plan.json'), { stack: 'prod' });
    expect(s).toMatchObject({
      add: 0,
      change: 0,
      destroy: 0,
      replace: 0,
      noOp: 5,
      outputChanges: 0,
      status: 'ok',
    });
    expect(hasChanges(s)).toBe(false);
  });

  test('accepts the parsed object as well as the string', () => {
    expectMixed(JSON.stringify(JSON.parse(fixture('mixed.plan.json'))));
    expect(parsePlanJson(JSON.parse(fixture('mixed.plan.json'))).add).toBe(1);
  });
});

describe('parsePlanJson edge cases', () => {
  const base = { format_version: '1.2' };
  test('data source reads are not counted', () => {
    const s = parsePlanJson({
      ...base,
      resource_changes: [{ address: 'data.x.y', mode: 'data', change: { actions: ['read'] } }],
    });
    expect(s.noOp + s.add + s.change).toBe(0);
  });
  test('forget is counted apart from destroy', () => {
    const s = parsePlanJson({
      ...base,
      resource_changes: [{ address: 'a.b', mode: 'managed', change: { actions: ['forget'] } }],
    });
    expect(s).toMatchObject({ forget: 1, destroy: 0 });
    expect(hasChanges(s)).toBe(true);
  });
  test('an errored plan is failed', () => {
    expect(parsePlanJson({ ...base, errored: true }).status).toBe('failed');
  });
  test('rejects non-JSON, state JSON and unknown actions, naming the field', () => {
    expect(() => parsePlanJson('Error: nope')).toThrow(/document.*must be JSON/);
    expect(() => parsePlanJson({ values: {} } as never)).toThrow(/format_version: got undefined/);
    expect(() =>
      parsePlanJson({
        ...base,
        resource_changes: [{ address: 'a.b', change: { actions: ['explode'] } }],
      }),
    ).toThrow(/resource_changes\[0\]\.change\.actions: got \["explode"\]/);
  });
  test('failedStackSummary carries the reason', () => {
    expect(failedStackSummary('dev', 'boom')).toMatchObject({
      stack: 'dev',
      status: 'failed',
      error: 'boom',
    });
  });
});

const tf = findTerraform();
if (!tf.bin) console.warn(`Skipping live terraform plan tests: ${tf.reason}`);
(tf.bin ? describe : describe.skip)(
  'parsePlanJson on a plan made now by the local terraform',
  () => {
    test('the same transition gives the same counts as the recorded fixture', () => {
      const { json, text, exitCode } = planTransition(tf.bin!, MIXED_BEFORE, MIXED_AFTER);
      expect(exitCode).toBe(2);
      expectMixed(json);
      expect(text).toMatch(/Plan: 3 to add, 1 to change, 3 to destroy/);
    });
    test('destroying everything lists every address', () => {
      const { json } = planTransition(tf.bin!, MIXED_BEFORE, {});
      const s = parsePlanJson(json, { stack: 'x' });
      expect(s.destroy).toBe(5);
      expect([...s.destroyed].sort()).toEqual(
        ['destroyed', 'replaced', 'replaced_cbd', 'unchanged', 'updated'].map(
          (n) => `terraform_data.${n}`,
        ),
      );
    });
  },
);
