// Would a V8 startup snapshot make a cold synthesis faster? (issue 16 allows one "where it
// helps"; it is not used because on Node 20 it does not.) Builds the default app's stacks three
// ways, in fresh processes, alternating runs:
//   - as a cold synthesis does: the builder bundle and its provider modules loaded with the V8
//     code `pnpm build` shipped for them (loadBundle), then every stack built;
//   - from a startup snapshot (`node --build-snapshot`) whose heap already holds both loaded;
//   - from a snapshot taken after building the stacks once, so it also holds their functions
//     compiled.
// It checks all three write the same files, and prints medians and ratios. Run it again on a
// newer Node.js to see whether deserialising a snapshot has become cheaper than loading the code.
//
// Usage: node scripts/probe-startup-snapshot.mjs [runs]   (after pnpm build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate, printRows, root } from './bench-lib.mjs';

const runs = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 7);
const dist = join(root, 'stacks', 'dist');
const synthesisDir = join(dist, 'synthesis');
const work = mkdtempSync(join(tmpdir(), 'automock-snapshot-probe-'));

/** Runs node with `args`; throws with its output when it fails. */
function node(args, env = {}) {
  const r = spawnSync(process.execPath, args, {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  return r;
}

function tree(dir, rel = '', files = {}) {
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = join(rel, name);
    if (statSync(join(dir, path)).isDirectory()) tree(dir, path, files);
    else files[path] = readFileSync(join(dir, path), 'utf8');
  }
  return files;
}

// The stacks a cold synthesis builds, as the recipes a worker thread is sent: with one worker
// allowed, synthesizeStacks hands them all to buildInParallel, which is replaced here to keep them
// and build them in this thread.
const jobsFile = join(work, 'jobs.json');
node(
  [
    '-e',
    `
    const parallel = require(${JSON.stringify(join(synthesisDir, 'parallel.js'))});
    parallel.buildInParallel = (jobs, here) => {
      require('node:fs').writeFileSync(${JSON.stringify(jobsFile)}, JSON.stringify(jobs));
      return { metas: jobs.map(here), inWorkers: [] };
    };
    require(${JSON.stringify(join(dist, 'synthesize-stacks.js'))}).synthesizeStacks({
      outdir: ${JSON.stringify(join(work, 'reference'))},
    });`,
  ],
  { AUTOMOCK_SYNTH_WORKERS: '1', AUTOMOCK_SYNTH_CACHE: '0', AUTOMOCK_SYNTH_PROVIDERS: 'all' },
);

// What both ways run once the builder is loaded: every job, into the directory given as the last
// argument, with cdktf's token traces skipped as synthesis skips them (token-traces.ts).
const build = `
function buildAll(builder, outdir) {
  const jobs = JSON.parse(fs.readFileSync(${JSON.stringify(jobsFile)}, 'utf8'));
  fs.mkdirSync(outdir, { recursive: true });
  const capture = Error.captureStackTrace;
  Error.captureStackTrace = (t, c) => { if (t instanceof Error) capture(t, c); };
  try {
    for (const { recipe: { kind, name, props } } of jobs) {
      const build = kind === 'bootstrap'
        ? (app, classes) => new (classes.bootstrap())(app, name, props)
        : (app, classes) => new (classes[kind]())(app, props);
      builder.synthesizeStack(build, { outdir }, builder.newManifest(outdir));
    }
  } finally {
    Error.captureStackTrace = capture;
  }
}`;

const plain = join(work, 'plain.cjs');
writeFileSync(
  plain,
  `const fs = require('node:fs');
const { loadBundle } = require(${JSON.stringify(join(synthesisDir, 'bundle.js'))});
${build}
const builder = loadBundle(${JSON.stringify(join(synthesisDir, 'stack-builder.bundle.js'))}).exports;
builder.useProviderModules(loadBundle(${JSON.stringify(join(synthesisDir, 'stack-builder.providers.js'))}).exports);
buildAll(builder, process.argv.at(-1));
`,
);

// The snapshot's entry may require only built-in modules: the bundle and the provider modules are
// run as loadBundle runs them (the CommonJS wrapper), with Node's require for the built-ins.
const entry = join(work, 'snapshot-entry.cjs');
writeFileSync(
  entry,
  `const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const v8 = require('node:v8');
${build}
function load(file) {
  const wrapped = '(function (exports, require, module, __filename, __dirname) { ' + fs.readFileSync(file, 'latin1') + '\\n})';
  const mod = { exports: {}, filename: file, id: file, loaded: true };
  new vm.Script(wrapped, { filename: file }).runInThisContext().call(mod.exports, mod.exports, require, mod, file, path.dirname(file));
  return mod.exports;
}
const builder = load(${JSON.stringify(join(synthesisDir, 'stack-builder.bundle.js'))});
builder.useProviderModules(load(${JSON.stringify(join(synthesisDir, 'stack-builder.providers.js'))}));
if (process.env.PROBE_WARM === '1') {
  const dir = fs.mkdtempSync(path.join(${JSON.stringify(work)}, 'warm-'));
  buildAll(builder, dir);
  fs.rmSync(dir, { recursive: true, force: true });
}
v8.startupSnapshot.setDeserializeMainFunction(() => buildAll(builder, process.argv.at(-1)));
`,
);
const blob = join(work, 'loaded.blob');
const warmBlob = join(work, 'warm.blob');
try {
  // Node warns on stderr that vm and child_process are not verified in snapshots; the files each
  // way writes are compared below.
  node(['--snapshot-blob', blob, '--build-snapshot', entry]);
  node(['--snapshot-blob', warmBlob, '--build-snapshot', entry], { PROBE_WARM: '1' });
  const expected = tree(join(work, 'reference', 'stacks'));
  for (const [name, args] of [
    ['plain', [plain]],
    ['snapshot', ['--snapshot-blob', blob]],
    ['warm snapshot', ['--snapshot-blob', warmBlob]],
  ]) {
    const out = join(work, `check-${name.replace(' ', '-')}`);
    node([...args, out]);
    const got = tree(join(out, 'stacks'));
    // The reference also holds the bootstrap stacks, which are built after these.
    const differ = Object.keys(got).filter((f) => got[f] !== expected[f]);
    if (differ.length > 0 || Object.keys(got).length === 0)
      throw new Error(`${name}: not the files synthesizeStacks wrote (${differ.join(', ')})`);
  }

  const mb = (f) => (statSync(f).size / 2 ** 20).toFixed(1);
  console.log(
    `# Building the default app's ${JSON.parse(readFileSync(jobsFile, 'utf8')).length} stacks in a fresh process (median of ${runs} runs, alternated; ${process.version}, ${process.platform}); snapshots ${mb(blob)} and ${mb(warmBlob)} MB`,
  );
  const commands = [
    {
      label: 'bundle loaded with its shipped V8 code (as a cold synthesis)',
      cmd: process.execPath,
      args: [plain, '{tmp}/out'],
    },
    {
      label: 'from a startup snapshot holding the loaded bundle',
      cmd: process.execPath,
      args: ['--snapshot-blob', blob, '{tmp}/out'],
    },
    {
      label: 'from a startup snapshot taken after one build',
      cmd: process.execPath,
      args: ['--snapshot-blob', warmBlob, '{tmp}/out'],
    },
  ];
  const { rows, ratio } = alternate(commands, { runs });
  printRows(rows);
  const [base, loaded, warm] = commands.map((c) => c.label);
  console.log(
    `  snapshot / bundle: ${ratio(loaded, base).toFixed(3)}x; snapshot after one build / bundle: ${ratio(warm, base).toFixed(3)}x`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
