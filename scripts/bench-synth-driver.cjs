// `pnpm bench` helper: synthesises the default app plus one ephemeral project whose expectations
// file the benchmark rewrites between runs, in-process as `automock synth` does, and prints which
// stacks were built and which came from the cache. With a workloads directory (a copy of
// stacks/workloads whose files the benchmark edits), the YAML workloads are read from there.
//   node scripts/bench-synth-driver.cjs <outdir> <cache dir or "off"> <expectations file> [workloads dir]
// V8's code for the modules is kept between runs as `automock synth` keeps it (bin/run.js,
// bin/fast-synth.js): Node's compile cache on 22.1+, bin/compile-cache.js on Node 20.
require('node:module').enableCompileCache?.();
const { withCompileCache } = require('@automock/cli/compile-cache');

const [outdir, cacheDir, expectations, workloadsDir] = process.argv.slice(2);
const r = withCompileCache(() =>
  require('@automock/stacks/synthesize').synthesizeStacks({
    outdir,
    cache: cacheDir === 'off' ? false : { dir: cacheDir },
    projects: [{ env: 'dev', project: { name: 'bench', listenerPort: 10090, expectations } }],
    ...(workloadsDir ? { workloadsDir } : {}),
  }),
);
process.stdout.write(JSON.stringify({ built: r.built, cached: r.cached }));
