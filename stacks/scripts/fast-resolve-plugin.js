// An esbuild plugin for bundle-builder.js: puts cdktf-resolve-fast.js in the bundle in place of
// cdktf's lib/tokens/private/resolve.js, whose `resolve` takes a fifth of a cold synthesis. Only
// while cdktf's resolve.js and encoding.js (whose token patterns the fast version relies on) are
// the files it was derived from, as recorded in cdktf-resolve-fast.json; otherwise the bundle
// keeps cdktf's own file and the build says so. AUTOMOCK_BUNDLE_FAST_RESOLVE=0 keeps cdktf's file
// too (to measure, or to rule the substitution out).
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const FAST_FILE = path.join(__dirname, 'cdktf-resolve-fast.js');
const DIGESTS_FILE = path.join(__dirname, 'cdktf-resolve-fast.json');
const REPLACED = 'lib/tokens/private/resolve.js';

/** The directory of the cdktf that the stacks package loads. */
const cdktfDir = () =>
  fs.realpathSync(path.dirname(require.resolve('cdktf/package.json', { paths: [__dirname] })));

const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The cdktf files whose digests differ from those recorded (empty when the fast version fits). */
function changedFiles(dir = cdktfDir()) {
  const recorded = JSON.parse(fs.readFileSync(DIGESTS_FILE, 'utf8')).sha256;
  return Object.entries(recorded)
    .filter(([rel, digest]) => sha256(path.join(dir, rel)) !== digest)
    .map(([rel]) => path.join(dir, rel));
}

/** The plugin, and the files the bundle then depends on beyond what esbuild reports. */
function fastResolvePlugin(warn, dir = cdktfDir()) {
  const original = path.join(dir, REPLACED);
  const inputs = [FAST_FILE, DIGESTS_FILE];
  if (process.env.AUTOMOCK_BUNDLE_FAST_RESOLVE === '0') return { plugin: undefined, inputs };
  const changed = changedFiles(dir);
  if (changed.length > 0) {
    warn(
      `cdktf changed (${changed.join(', ')}): the bundle keeps cdktf's own ${original}; ` +
        `re-derive scripts/cdktf-resolve-fast.js from it and record the new digests`,
    );
    return { plugin: undefined, inputs };
  }
  const plugin = {
    name: 'cdktf-resolve-fast',
    setup(build) {
      const filter = new RegExp(`^${original.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      build.onLoad({ filter }, async () => ({
        contents: await fs.promises.readFile(FAST_FILE, 'utf8'),
        loader: 'js',
        // Its requires are the original's, relative to the original's directory.
        resolveDir: path.dirname(original),
      }));
    },
  };
  return { plugin, inputs };
}

module.exports = { FAST_FILE, DIGESTS_FILE, REPLACED, cdktfDir, changedFiles, fastResolvePlugin };
