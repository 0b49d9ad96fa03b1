// Part of `pnpm build`, after bundle-builder.js: synthesises the default app once with the bundle
// and ships V8's code for it (every function the synthesis compiled) beside the bundle
// (dist/synthesis/stack-builder.bundle.v8-code.bin, stamped with the bundle's digest and the
// Node.js that compiled it), and likewise for the module of its provider modules
// (stack-builder.providers.v8-code.bin). The first synthesis after a build, which has no code
// cache of its own yet, then skips most of parsing and compiling their 4 MB; loadBundle uses the
// shipped code only for the same text and Node.js (src/synthesis/bundle.ts).
//
// Best effort: when the default app does not synthesise (a declaration being edited), the build
// goes on without shipped code and says so; synthesis compiles the bundle as before.
//
// It also ships the digests of the code files that synthesis read for its fingerprint
// (dist/synthesis/shipped-code-digests.json): a fresh cache starts from them, each trusted only
// while its file's size, inode and times are unchanged, instead of reading 10 MB of code again.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist');
const {
  BUNDLE_FILE,
  PROVIDERS_FILE,
  codeCacheFile,
  fileIdentity,
  shippedCodeFile,
  shippedCodeStamp,
} = require(path.join(dist, 'synthesis', 'bundle.js'));
// The bundle, and the module of its provider modules when it left them out
// (scripts/lazy-providers.js): a synthesis of the default app loads both.
const bundles = [BUNDLE_FILE, PROVIDERS_FILE]
  .map((f) => path.join(dist, 'synthesis', f))
  .filter((f) => fs.existsSync(f));
const { CODE_DIGESTS, SHIPPED_DIGESTS_PATH: shippedDigests } = require(
  path.join(dist, 'synthesis', 'stack-cache.js'),
);

// The last build's code must not serve this synthesis (it would be taken and nothing compiled).
for (const bundle of bundles) {
  fs.rmSync(shippedCodeFile(bundle), { force: true });
  fs.rmSync(`${shippedCodeFile(bundle)}.json`, { force: true });
}
fs.rmSync(shippedDigests, { force: true });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'automock-warm-builder-'));
try {
  // All stacks in this thread, from the bundle, with a cache of its own (where the code lands).
  process.env.AUTOMOCK_SYNTH_WORKERS = '0';
  // The provider modules from their one module (as a whole synthesis loads them), to ship its code.
  process.env.AUTOMOCK_SYNTH_PROVIDERS = 'all';
  delete process.env.AUTOMOCK_SYNTH_BUNDLE;
  delete process.env.AUTOMOCK_SYNTH_CACHE;
  const cacheDir = path.join(work, 'cache');
  const { synthesizeStacks } = require(path.join(dist, 'synthesize-stacks.js'));
  synthesizeStacks({ outdir: path.join(work, 'out'), cache: { dir: cacheDir } });
  for (const bundle of bundles) {
    const code = codeCacheFile(bundle, cacheDir);
    if (!fs.existsSync(code))
      throw new Error(`the synthesis kept no code for ${path.basename(bundle)}`);
    fs.copyFileSync(code, shippedCodeFile(bundle));
    // With the file as it is now: while it stays so, its text is not hashed again to be trusted.
    const stamp = {
      ...shippedCodeStamp(fs.readFileSync(bundle, 'utf8')),
      file: fileIdentity(bundle),
    };
    fs.writeFileSync(`${shippedCodeFile(bundle)}.json`, `${JSON.stringify(stamp)}\n`);
  }
  // The digests of the code this synthesis read, for the first synthesis with a fresh cache.
  fs.copyFileSync(path.join(cacheDir, CODE_DIGESTS), shippedDigests);
} catch (e) {
  const first = String(e?.message ?? e).split('\n')[0];
  process.stderr.write(`warm-builder: no compiled code shipped with the bundle (${first})\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
