import {
  bootstrapStateKey,
  environmentStateKey,
  projectStateKey,
  workloadStateKey,
} from '@automock/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutomockStack } from './automock-stack';
import { buildApp } from './app';
import { ENVIRONMENTS } from './environments';
import { PROJECTS } from './projects';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

describe('README', () => {
  it('gives each kind of stack the state key the stacks use', () => {
    const row = (stack: string, key: string) =>
      new RegExp(`^\\| \`${stack}\`[^|]*\\|[^|]+\\| \`${key}\` +\\|$`, 'm');
    expect(readme).toMatch(row('bootstrap-<region>', bootstrapStateKey('<region>')));
    expect(readme).toMatch(row('<env>', environmentStateKey('<env>')));
    expect(readme).toMatch(row('<env>-<project>', projectStateKey('<env>', '<project>')));
    expect(readme).toMatch(row('<env>-<workload>', workloadStateKey('<env>', '<workload>')));
    // And the default app has exactly these four kinds.
    const kinds = new Set(AutomockStack.all(buildApp()).map((s) => s.info.kind));
    expect([...kinds].sort()).toEqual(['bootstrap', 'environment', 'project', 'workload']);
  });

  it('names every environment, long-lived project and declared workload stack of the default app', () => {
    const defaultApp = readme.slice(readme.indexOf('The default app:'));
    for (const e of ENVIRONMENTS) expect(defaultApp).toContain(`\`${e.name}\``);
    for (const p of PROJECTS) expect(defaultApp).toContain(`\`${p.project.name}\``);
    const workloads = AutomockStack.all(buildApp()).filter((s) => s.info.kind === 'workload');
    expect(workloads.length).toBeGreaterThan(0);
    for (const w of workloads) expect(defaultApp).toContain(`\`${w.info.name}\``);
  });
});
