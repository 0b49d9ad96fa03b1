import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  Aspects,
  App,
  IAspect,
  LocalBackend,
  TerraformOutput,
  TerraformStack,
  Testing,
} from 'cdktf';
import * as synthesizer from 'cdktf/lib/synthesize/synthesizer';
import { IConstruct } from 'constructs';
import { AutomockStack } from '../automock-stack';
import { buildApp } from '../app';
import { synthesizeApp } from '../synthesize-app';
import { withCheapTokenTraces } from './token-traces';

/** Hashes of the default app's output, recorded; see "the recorded hashes" below. */
const RECORD = join(__dirname, 'default-app.synth.json');

/**
 * A file's SHA-256 with the content hashes of the reaper's bundles left out (asset directories,
 * the destroyer script's object key): the bundles carry all of @automock/core (CommonJS, which
 * esbuild cannot tree-shake), so any change to core changes their bytes, and the Lambda zip is
 * deflated by the zlib of the Node.js that built it, which does not promise the same bytes across
 * versions. What the constructs and stacks write around them must not change.
 */
function contentHash(text: string): string {
  const normalised = text
    .replace(/(assets\/[\w-]+\/)[0-9A-F]{32}\//g, '$1<asset>/')
    .replace(/(destroyer-)[0-9a-f]{16}(\.js)/g, '$1<bundle>$2');
  return createHash('sha256').update(normalised).digest('hex');
}

function stackFiles(outdir: string): string[] {
  return readdirSync(join(outdir, 'stacks'))
    .sort()
    .map((s) => join('stacks', s, 'cdk.tf.json'));
}

describe("the default app's synthesis", () => {
  let ours: string;
  let plain: string;
  beforeAll(() => {
    ours = mkdtempSync(join(tmpdir(), 'synth-ours-'));
    plain = mkdtempSync(join(tmpdir(), 'synth-plain-'));
    synthesizeApp({ outdir: ours });
    buildApp({ outdir: plain }).synth();
  });
  afterAll(() => {
    rmSync(ours, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  });

  it("writes exactly what cdktf's own synth (full preparation, no guardrails) writes", () => {
    const stacks = readdirSync(join(plain, 'stacks')).sort();
    expect(readdirSync(join(ours, 'stacks')).sort()).toEqual(stacks);
    expect(stacks.length).toBeGreaterThanOrEqual(7);
    for (const s of stacks) {
      const file = join('stacks', s, 'cdk.tf.json');
      expect(readFileSync(join(ours, file), 'utf8')).toBe(readFileSync(join(plain, file), 'utf8'));
    }
    expect(readFileSync(join(ours, 'manifest.json'), 'utf8')).toBe(
      readFileSync(join(plain, 'manifest.json'), 'utf8'),
    );
  });

  // A reshape of constructs, stacks or synthesis must leave the output as it was; when a change
  // means to alter it, re-record with AUTOMOCK_RECORD_SYNTH=1 (jest src/synthesis) and say why in
  // the commit.
  it('matches the recorded hashes of every stack file and the manifest', () => {
    const files = [...stackFiles(ours), 'manifest.json'];
    const actual = Object.fromEntries(
      files.map((f) => [f, contentHash(readFileSync(join(ours, f), 'utf8'))]),
    );
    if (process.env.AUTOMOCK_RECORD_SYNTH === '1')
      writeFileSync(RECORD, `${JSON.stringify(actual, null, 2)}\n`);
    expect(existsSync(RECORD)).toBe(true);
    expect(actual).toEqual(JSON.parse(readFileSync(RECORD, 'utf8')));
  });
});

describe('cheap token traces', () => {
  function stackJson(name: string): string {
    const app = buildApp();
    const stack = AutomockStack.all(app).find((s) => s.info.name === name);
    if (!stack) throw new Error(`no stack ${name}`);
    return Testing.synth(stack);
  }

  it('change nothing in the synthesised output', () => {
    const full = stackJson('dev');
    const cheap = withCheapTokenTraces(() => stackJson('dev'));
    expect(cheap).toBe(full);
  });

  it('keep the stack of real errors', () => {
    let stack = '';
    withCheapTokenTraces(() => {
      stack = new Error('boom').stack ?? '';
      const plain = { stack: '' };
      Error.captureStackTrace(plain);
      expect(plain.stack).toBe('');
    });
    expect(stack).toMatch(/Error: boom\n\s+at /);
  });

  it('refuse an async function, and a promise returned, and leave traces on afterwards', async () => {
    const original = Error.captureStackTrace;
    expect(() => withCheapTokenTraces(async () => 1)).toThrow(
      /withCheapTokenTraces: got an async function, needs a synchronous one/,
    );
    let pending: Promise<number> | undefined;
    expect(() =>
      withCheapTokenTraces(() => {
        pending = Promise.resolve(2);
        return pending;
      }),
    ).toThrow(/returned a promise, needs to finish synchronously/);
    await pending;
    expect(Error.captureStackTrace).toBe(original);
    const plain = { stack: '' };
    Error.captureStackTrace(plain);
    expect(plain.stack).toMatch(/\n\s+at /);
  });
});

/**
 * What check-app.ts relies on in cdktf, each exercised directly, so that a cdktf upgrade that
 * changes one fails here rather than as a subtle difference in the written files.
 */
describe('the cdktf internals synthesis relies on', () => {
  const tmp: string[] = [];
  afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));
  function app(): App {
    const outdir = mkdtempSync(join(tmpdir(), 'cdktf-internals-'));
    tmp.push(outdir);
    return new App({ outdir });
  }

  it('is cdktf 0.21.0, the version they were read from', () => {
    const manifest = join(dirname(require.resolve('cdktf')), '..', 'package.json');
    expect((JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version).toBe(
      '0.21.0',
    );
  });

  it("invokeAspects (cdktf/lib/synthesize/synthesizer) runs a stack's aspects", () => {
    const stack = new TerraformStack(app(), 's');
    const visited: string[] = [];
    const aspect: IAspect = { visit: (n: IConstruct) => void visited.push(n.node.path) };
    Aspects.of(stack).add(aspect);
    new TerraformOutput(stack, 'o', { value: 1 });
    synthesizer.invokeAspects(stack);
    expect(visited).toEqual(['s', 's/o']);
  });

  it('ensureBackendExists adds a local backend only where none is set', () => {
    const stack = new TerraformStack(app(), 's');
    const ensure = (stack as unknown as { ensureBackendExists: () => unknown }).ensureBackendExists;
    expect(typeof ensure).toBe('function');
    const first = ensure.call(stack);
    expect(first).toBeInstanceOf(LocalBackend);
    expect(ensure.call(stack)).toBe(first);
  });

  it("app.synth() prepares and serialises each stack through the instance's own methods", () => {
    const a = app();
    const stack = new TerraformStack(a, 's');
    new TerraformOutput(stack, 'o', { value: 1 });
    const prepared: string[] = [];
    const protoPrepare = jest.spyOn(TerraformStack.prototype, 'prepareStack');
    try {
      Object.defineProperty(stack, 'prepareStack', {
        value: () => void prepared.push('instance'),
        configurable: true,
      });
      Object.defineProperty(stack, 'toTerraform', {
        value: () => ({ handed: { b: 2, a: 1 } }),
        configurable: true,
      });
      a.synth();
      expect(prepared).toEqual(['instance']);
      expect(protoPrepare).not.toHaveBeenCalled();
    } finally {
      protoPrepare.mockRestore();
    }
    // What it writes is the JSON handed over, with sorted keys and two-space indentation.
    expect(readFileSync(join(a.outdir, 'stacks', 's', 'cdk.tf.json'), 'utf8')).toBe(
      '{\n  "handed": {\n    "a": 1,\n    "b": 2\n  }\n}',
    );
  });
});
