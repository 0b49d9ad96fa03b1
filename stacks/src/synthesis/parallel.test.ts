import { synthesizeStacks } from '../synthesize-stacks';
import { buildInParallel, STACKS_PER_WORKER, workerCount } from './parallel';
import type { StackRecipe } from './recipe';
import { tempDirs, fileTree } from '../testing/files';
import { withWorkers } from '../testing/workers';

const dir = tempDirs();

const tree = fileTree;

jest.setTimeout(180_000);

describe('workerCount', () => {
  it('starts one worker per STACKS_PER_WORKER stacks, leaving a core to this thread', () => {
    expect(workerCount(12, {}, 2)).toBe(0);
    expect(workerCount(STACKS_PER_WORKER - 1, {}, 8)).toBe(0);
    expect(workerCount(STACKS_PER_WORKER, {}, 2)).toBe(1);
    expect(workerCount(1000, {}, 2)).toBe(1);
    expect(workerCount(1000, {}, 8)).toBe(7);
    expect(workerCount(3 * STACKS_PER_WORKER, {}, 8)).toBe(3);
    expect(workerCount(1000, {}, 1)).toBe(0);
  });

  it('takes AUTOMOCK_SYNTH_WORKERS, never more than there are stacks to share', () => {
    expect(workerCount(1000, { AUTOMOCK_SYNTH_WORKERS: '0' }, 8)).toBe(0);
    expect(workerCount(12, { AUTOMOCK_SYNTH_WORKERS: '3' }, 1)).toBe(3);
    expect(workerCount(2, { AUTOMOCK_SYNTH_WORKERS: '3' }, 8)).toBe(1);
    expect(workerCount(12, { AUTOMOCK_SYNTH_WORKERS: '' }, 2)).toBe(0);
    for (const bad of ['-1', '1.5', 'two', ' 2'])
      expect(() => workerCount(12, { AUTOMOCK_SYNTH_WORKERS: bad }, 2)).toThrow(
        expect.objectContaining({
          name: 'ConfigValidationError',
          message: expect.stringContaining(
            `AUTOMOCK_SYNTH_WORKERS: got ${JSON.stringify(bad)}, must be a whole number of worker threads (0 or more)`,
          ),
        }),
      );
  });
});

describe('parallel synthesis', () => {
  it('writes the default app byte for byte as one thread does, with and without the cache', () => {
    const one = dir('automock-par-one');
    withWorkers('0', () => synthesizeStacks({ outdir: one, cache: false }));
    const expected = tree(one);
    expect(Object.keys(expected).length).toBeGreaterThan(12);

    const two = dir('automock-par-two');
    const r = withWorkers('2', () => synthesizeStacks({ outdir: two, cache: false }));
    expect(tree(two)).toEqual(expected);
    expect(r.built.length).toBe(r.stacks.length);
    expect(r.workers).toBe(2);
    // The workers built stacks themselves, not failed them back to this thread.
    expect(r.builtInWorkers.length).toBeGreaterThan(0);
    expect(r.built).toEqual(expect.arrayContaining([...r.builtInWorkers]));

    // Stacks built by workers go into the cache as this thread's do: a second run restores them.
    const cacheDir = dir('automock-par-cache');
    const three = dir('automock-par-three');
    const cold = withWorkers('1', () =>
      synthesizeStacks({ outdir: three, cache: { dir: cacheDir } }),
    );
    expect(cold.workers).toBe(1);
    expect(cold.builtInWorkers.length).toBeGreaterThan(0);
    expect(tree(three)).toEqual(expected);
    const four = dir('automock-par-four');
    const again = withWorkers('0', () =>
      synthesizeStacks({ outdir: four, cache: { dir: cacheDir } }),
    );
    expect(again.built).toEqual([]);
    expect(again.builtInWorkers).toEqual([]);
    expect(tree(four)).toEqual(expected);
  });

  it("builds a job a worker failed in this thread, which throws a sequential synthesis's error", () => {
    const outdir = dir('automock-par-fail');
    const bad: StackRecipe = { kind: 'nonsense' as never, name: 'x', props: {} };
    const here = jest.fn((job: { recipe: StackRecipe }) => {
      throw new Error(`built here: ${job.recipe.kind}`);
    });
    // The worker takes the first job; this thread gets none while the worker has it.
    expect(() => buildInParallel([{ recipe: bad, ctx: { outdir } }], here, { workers: 1 })).toThrow(
      'built here: nonsense',
    );
    expect(here).toHaveBeenCalledTimes(1);
  });

  it('says which jobs the workers built, leaving out one a worker failed and this thread built', () => {
    const outdir = dir('automock-par-which');
    const bad: StackRecipe = { kind: 'nonsense' as never, name: 'x', props: {} };
    const built = { info: { name: 'x' } } as never;
    const here = jest.fn(() => built);
    const { metas, inWorkers } = buildInParallel([{ recipe: bad, ctx: { outdir } }], here, {
      workers: 1,
    });
    expect(metas).toEqual([built]);
    expect(inWorkers).toEqual([]);
    expect(here).toHaveBeenCalledTimes(1);
  });
});
