import { readFileSync } from 'node:fs';
import { workloadJsonSchema, WORKLOAD_SECTIONS } from '@automock/core';
import { TEST_SECTIONS } from './testing/workload-fixture';
import { WORKLOAD_SCHEMA_FILE } from './workloads';

/** Paths of properties without a description (editors show it; the section contract asks for one). */
function undescribed(schema: unknown, at = '$'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {})) {
    if (typeof (v as { description?: unknown }).description !== 'string') out.push(`${at}.${k}`);
    out.push(...undescribed(v, `${at}.${k}`));
  }
  for (const k of ['items', 'additionalProperties'])
    if (typeof s[k] === 'object') out.push(...undescribed(s[k], `${at}.${k}`));
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    if (Array.isArray(s[k]))
      (s[k] as unknown[]).forEach((b, i) => out.push(...undescribed(b, `${at}.${k}[${i}]`)));
  return out;
}

describe('the published workload JSON Schema', () => {
  it('is the committed file (run `pnpm --filter @automock/stacks workload-schema` after a build)', () => {
    expect(JSON.parse(readFileSync(WORKLOAD_SCHEMA_FILE, 'utf8'))).toEqual(workloadJsonSchema());
  });

  it('describes every property (core tests that it is valid draft-07), and has one key per registered section', () => {
    const schema = workloadJsonSchema();
    expect(undescribed(schema)).toEqual([]);
    const keys = Object.keys(schema.properties as object);
    for (const s of WORKLOAD_SECTIONS) expect(keys).toContain(s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("embeds each section's schema under its key", () => {
    const schema = workloadJsonSchema(TEST_SECTIONS) as { properties: Record<string, unknown> };
    for (const s of TEST_SECTIONS) expect(schema.properties[s.key]).toBe(s.schema);
    expect(undescribed(schema)).toEqual([]);
  });
});
