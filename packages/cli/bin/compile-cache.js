// Node 22.1+ keeps V8's compiled code of the CommonJS modules it loads between runs
// (module.enableCompileCache, which bin/run.js turns on); Node 20 parses and compiles every module
// again in every process, a sizeable share of a synthesis that loads cdktf and the stacks. Here the
// same is done by hand for the modules one function loads, the way v8-compile-cache does, with
// Node's own switches: NODE_DISABLE_COMPILE_CACHE turns it off, NODE_COMPILE_CACHE moves it.
// Anything the hook is not sure to run exactly as Node would (ESM, syntax errors, import(),
// policies, source maps, coverage, a patched wrapper) goes to Node's own Module.prototype._compile.
const fs = require('node:fs');
const path = require('node:path');

const defaultCacheRoot = path.join(
  __dirname,
  '..',
  'node_modules',
  '.cache',
  'automock-compile-cache',
);

// The wrapper head on a line of its own, compiled with lineOffset -1: line and column numbers
// (stack traces, the source line Node prints for an uncaught error) are the file's own, as with
// Node's compileFunction, which has no wrapper text at all.
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n});';
const DYNAMIC_IMPORT = /\bimport\s*(?:\(|\/[*/])/;
const NODE_WRAPPER = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

// An entry: SHA-256 of the module's text, a CRC-32 of V8's data, then the data. The digest makes a
// changed file a miss (V8 itself checks only the source's length); the checksum keeps damaged
// data from V8, which in Node 20 takes data with flipped bits as it is.
const DIGEST_BYTES = 32;
const HEADER_BYTES = DIGEST_BYTES + 4;

/**
 * The directory of this Node's entries: a subdirectory of NODE_COMPILE_CACHE (Node's own variable)
 * or of node_modules/.cache/automock-compile-cache in this package, named for the Node.js, V8 and
 * architecture that compiled them so no other Node reads them. Undefined when the hook stays off:
 * Node has its own compile cache (`nodeModule.enableCompileCache`), or NODE_DISABLE_COMPILE_CACHE
 * is set.
 */
function compileCacheDir(env = process.env, nodeModule = require('node:module')) {
  if (typeof nodeModule.enableCompileCache === 'function') return undefined;
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const root = env.NODE_COMPILE_CACHE ? path.resolve(env.NODE_COMPILE_CACHE) : defaultCacheRoot;
  return path.join(root, `automock-${process.version}-${process.arch}-v8-${process.versions.v8}`);
}

/**
 * Whether Node's loader would do nothing here that the hook leaves out: policies check and
 * redirect what modules load; source maps and coverage (NODE_V8_COVERAGE) read each module's
 * source map as it is compiled; a changed Module.wrap is Node's own way to alter every module.
 */
function hookable(env, nodeModule) {
  // Not in the first releases of Node 20.
  if (!require('node:vm').constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER) return false;
  if (process.sourceMapsEnabled || env.NODE_V8_COVERAGE) return false;
  const options = [...process.execArgv, env.NODE_OPTIONS ?? ''].join(' ');
  if (/--(experimental-policy|policy-integrity|enable-source-maps)\b/.test(options)) return false;
  return (
    typeof nodeModule.wrap === 'function' &&
    nodeModule.wrap('') === NODE_WRAPPER.join('') &&
    typeof nodeModule.prototype?._compile === 'function'
  );
}

// Node's loader marks a module as running under a private symbol, which require(esm) reads to
// refuse an import cycle; a module Node compiled (this one) carries it.
const kIsExecuting = Object.getOwnPropertySymbols(module).find(
  (s) => s.description === 'kIsExecuting',
);

/**
 * Runs `fn` with V8's code cache for the CommonJS modules it loads, and returns what it returns
 * (or throws what it throws). The hook is gone when `fn` returns: whatever runs next (oclif) loads
 * as Node loads it. Entries for modules compiled now are written when the process exits, after
 * what it prints, and after `fn`'s work, so they hold every function that work compiled. Best
 * effort: an entry that cannot be read is a miss, one that cannot be written costs the next run.
 * `options.env` and `options.nodeModule` stand in for process.env and node:module (tests);
 * `options.stats`, when given, receives `active`, `dir`, `hits`, `misses`, `fallbacks` (modules
 * left to Node: ESM, syntax errors, import()) and, at exit, `written`.
 */
function withCompileCache(fn, options = {}) {
  const { env = process.env, nodeModule = require('node:module'), stats = {} } = options;
  const dir = compileCacheDir(env, nodeModule);
  Object.assign(stats, { active: false, dir, hits: 0, misses: 0, fallbacks: 0, written: 0 });
  if (!dir || !hookable(env, nodeModule)) return fn();

  const vm = require('node:vm');
  const crypto = require('node:crypto');
  const Module = nodeModule;
  const original = Module.prototype._compile;
  let existing;
  try {
    existing = new Set(fs.readdirSync(dir));
  } catch {
    existing = new Set();
  }
  /** @type {[file: string, digest: Buffer, script: import('node:vm').Script][]} */
  const pending = [];
  let installed = true;

  const compile = function _compile(content, filename, format) {
    if (
      !installed ||
      (format !== undefined && format !== 'commonjs') ||
      typeof content !== 'string' ||
      typeof filename !== 'string' ||
      !path.isAbsolute(filename) ||
      !(this instanceof Module) ||
      this.id === '.'
    )
      return Reflect.apply(original, this, arguments);

    // V8 keeps a script's host-defined options (what Node's import() callback finds its loader
    // by) in the code cache, where they do not survive the process (V8 issue 10284): from a cache
    // hit, import() fails with ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING, and from a miss it warns
    // that USE_MAIN_CONTEXT_DEFAULT_LOADER is experimental. A module that names import(), even in
    // a string it evaluates or a comment, is Node's to compile.
    if (DYNAMIC_IMPORT.test(content)) {
      stats.fallbacks++;
      return Reflect.apply(original, this, arguments);
    }
    const name = crypto.createHash('sha1').update(filename).digest('hex');
    const file = path.join(dir, name);
    const digest = crypto.createHash('sha256').update(content).digest();
    let cachedData;
    if (existing.has(name)) {
      try {
        const entry = fs.readFileSync(file);
        if (
          entry.length > HEADER_BYTES &&
          entry.subarray(0, DIGEST_BYTES).equals(digest) &&
          entry.readUInt32LE(DIGEST_BYTES) === checksum(entry.subarray(HEADER_BYTES))
        )
          cachedData = entry.subarray(HEADER_BYTES);
      } catch {
        // unreadable: compiled afresh and rewritten
      }
    }
    // A `#!` line is allowed only where a script starts, not after the wrapper's head; Node's
    // compiler skips it. Commented out, it keeps its length, so columns stay right.
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    let script;
    try {
      script = new vm.Script(WRAPPER_HEAD + source + WRAPPER_TAIL, {
        filename,
        lineOffset: -1,
        cachedData,
        // For import() in code such a module builds at run time (eval, new Function): it finds
        // Node's loader on a miss, as under Node's own loader, if with a warning.
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
    } catch {
      // A syntax error, or ESM syntax Node would detect and load as ESM: Node's own loader does
      // that, and reports errors in its own words.
      stats.fallbacks++;
      return Reflect.apply(original, this, arguments);
    }
    if (cachedData && !script.cachedDataRejected) stats.hits++;
    else {
      stats.misses++;
      pending.push([file, digest, script]);
    }
    const wrapper = script.runInThisContext();
    const require = makeRequireFunction(this, Module);
    if (kIsExecuting) this[kIsExecuting] = true;
    const result = Reflect.apply(wrapper, this.exports, [
      this.exports,
      require,
      this,
      filename,
      path.dirname(filename),
    ]);
    if (kIsExecuting) this[kIsExecuting] = false;
    return result;
  };

  Module.prototype._compile = compile;
  stats.active = true;
  try {
    return fn();
  } finally {
    installed = false;
    // A hook installed on top of this one while `fn` ran stays; this one passes everything on.
    if (Module.prototype._compile === compile) Module.prototype._compile = original;
    if (pending.length > 0) process.once('exit', () => (stats.written = save(dir, pending)));
  }
}

/** The `require` Node's loader gives a module (its makeRequireFunction, without policies). */
function makeRequireFunction(mod, Module) {
  const require = function require(id) {
    return mod.require(id);
  };
  // Node's own resolve, only for its error when the request is no string.
  const invalid = (request) => Module.createRequire(mod.filename).resolve(request);
  function resolve(request, options) {
    if (typeof request !== 'string') invalid(request);
    return Module._resolveFilename(request, mod, false, options);
  }
  function paths(request) {
    if (typeof request !== 'string') invalid(request);
    return Module._resolveLookupPaths(request, mod);
  }
  resolve.paths = paths;
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Writes the entries, each aside and then renamed, so a reader never sees half of one. */
function save(dir, pending) {
  let written = 0;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return written;
  }
  for (const [file, digest, script] of pending) {
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      const data = script.createCachedData();
      const header = Buffer.alloc(HEADER_BYTES);
      digest.copy(header);
      header.writeUInt32LE(checksum(data), DIGEST_BYTES);
      fs.writeFileSync(tmp, Buffer.concat([header, data]), { mode: 0o600 });
      fs.renameSync(tmp, file);
      written++;
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }
  return written;
}

/** CRC-32 of V8's data. zlib.crc32 came in Node 20.15; before it, the first four bytes of a SHA-1. */
function checksum(data) {
  const { crc32 } = require('node:zlib');
  if (crc32) return crc32(data);
  return require('node:crypto').createHash('sha1').update(data).digest().readUInt32LE(0);
}

module.exports = { withCompileCache, compileCacheDir, defaultCacheRoot };
