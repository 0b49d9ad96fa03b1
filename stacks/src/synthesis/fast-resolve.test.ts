import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import {
  App,
  DefaultTokenResolver,
  Fn,
  IResolvable,
  IResolveContext,
  Lazy,
  StringConcat,
  TerraformIterator,
  TerraformLocal,
  TerraformStack,
  TerraformVariable,
  Token,
  Tokenization,
} from 'cdktf';
import { createTokenDouble } from 'cdktf/lib/tokens/private/encoding';
import * as original from 'cdktf/lib/tokens/private/resolve';
import { buildApp } from '../app';
import { BUNDLE_FILE } from './bundle';

// scripts/cdktf-resolve-fast.js stands in for cdktf's lib/tokens/private/resolve.js in the
// stack-builder bundle (scripts/fast-resolve-plugin.js). These tests hold it to the file it was
// derived from: the digests, the bundle, and both run side by side on the same values.

// The build's CommonJS scripts, and cdktf's modules by path (jest's require, so the same instances
// the app gets).
/* eslint-disable @typescript-eslint/no-require-imports */

interface Plugin {
  FAST_FILE: string;
  REPLACED: string;
  cdktfDir(): string;
  changedFiles(dir?: string): string[];
  fastResolvePlugin(
    warn: (text: string) => void,
    dir?: string,
  ): { plugin: unknown; inputs: string[] };
}
const plugin = require('../../scripts/fast-resolve-plugin') as Plugin;
type ResolveModule = typeof original;

/**
 * The fast version, its relative requires bound to the cdktf modules this test (and the app it
 * builds) uses, as the bundle binds them.
 */
function loadFast(): ResolveModule {
  const dir = dirname(join(plugin.cdktfDir(), plugin.REPLACED));
  const mod = { exports: {} as ResolveModule };
  const load = new Function('exports', 'require', 'module', readFileSync(plugin.FAST_FILE, 'utf8'));
  load(mod.exports, (id: string) => require(join(dir, id)) as unknown, mod);
  return mod.exports;
}
const fast = loadFast();

/**
 * A stack frame of either resolve, or of this file: tokens made while resolving record where they
 * were made, and the two files differ there only.
 */
const OWN_FRAME =
  /^.*(private\/resolve\.ts:|eval at loadFast).*$|(fast-resolve\.test\.ts):\d+:\d+/gm;
const withoutOwnFrames = (text: string) =>
  text.replace(OWN_FRAME, (_, __, test?: string) => test ?? '<resolve>');

/** `x` with the frames of either resolve left out of its strings (and creation stacks). */
function comparable(x: unknown): unknown {
  if (typeof x === 'string') return withoutOwnFrames(x);
  if (Array.isArray(x)) return x.map(comparable);
  if (typeof x !== 'object' || x === null) return x;
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.prototype && proto !== null) return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, comparable(v)]));
}

/**
 * The tokens findTokens found, as text: tokens made while resolving are new objects (with new
 * closures) in each run.
 */
const described = (tokens: unknown[]) =>
  tokens.map((t) => withoutOwnFrames(inspect(t, { depth: 2, breakLength: Infinity })));

/** What a call returns or throws, and what it prints as warnings. */
function outcome(run: () => unknown): unknown {
  const warnings: unknown[][] = [];
  const warn = jest
    .spyOn(console, 'warn')
    .mockImplementation((...args) => void warnings.push(args));
  try {
    return comparable({ value: run(), warnings });
  } catch (e) {
    const thrown = `${(e as Error).constructor.name}: ${(e as Error).message}`;
    return comparable({ thrown, warnings });
  } finally {
    warn.mockRestore();
  }
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), `fast-resolve-${prefix}-`));
  dirs.push(d);
  return d;
};

describe('the fast cdktf resolve', () => {
  it("was derived from the installed cdktf's resolve.js and encoding.js", () => {
    const changed = plugin.changedFiles();
    if (changed.length > 0)
      throw new Error(
        `cdktf's ${changed.join(', ')} changed: re-derive scripts/cdktf-resolve-fast.js from ` +
          'the new resolve.js (and the token patterns of encoding.js), then record their digests ' +
          'in scripts/cdktf-resolve-fast.json',
      );
  });

  it('is what the bundle built by `pnpm build` holds in place of cdktf`s file', () => {
    const bundle = readFileSync(
      join(__dirname, '..', '..', 'dist', 'synthesis', BUNDLE_FILE),
      'utf8',
    );
    expect(bundle).toContain('automock: cdktf-resolve-fast');
    // One module under the original's name, and it is the fast one.
    const modules = [...bundle.matchAll(/"[^"]*\/cdktf\/lib\/tokens\/private\/resolve\.js"/g)];
    expect(modules).toHaveLength(1);
    expect(bundle).toContain('NOTHING_INHERITED');
  });

  it("is left out, with a warning naming the file, when cdktf's files differ", () => {
    const dir = tmp('cdktf');
    const real = plugin.cdktfDir();
    for (const rel of ['lib/tokens/private/resolve.js', 'lib/tokens/private/encoding.js']) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      copyFileSync(join(real, rel), join(dir, rel));
    }
    const warnings: string[] = [];
    expect(plugin.fastResolvePlugin((t) => warnings.push(t), dir).plugin).toBeDefined();
    expect(warnings).toEqual([]);
    const changed = join(dir, 'lib/tokens/private/resolve.js');
    writeFileSync(changed, `${readFileSync(changed, 'utf8')}\n`);
    const left = plugin.fastResolvePlugin((t) => warnings.push(t), dir);
    expect(left.plugin).toBeUndefined();
    expect(left.inputs).toContain(plugin.FAST_FILE);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(changed);
  });

  it('binds to the same cdktf modules as the app', () => {
    const token = require(join(plugin.cdktfDir(), 'lib/tokens/token.js')) as typeof import('cdktf');
    expect(token.Tokenization).toBe(Tokenization);
    expect(Object.keys(fast).sort()).toEqual(Object.keys(original).sort());
  });

  it("resolves every value the default app's synthesis resolves as cdktf's does", () => {
    const resolve = Tokenization.resolve.bind(Tokenization);
    let calls = 0;
    const spy = jest.spyOn(Tokenization, 'resolve').mockImplementation((obj, options) => {
      calls++;
      const opts = {
        scope: options.scope,
        resolver: options.resolver,
        preparing: options.preparing ?? false,
      };
      const expected = outcome(() => original.resolve(obj, opts));
      expect(outcome(() => fast.resolve(obj, opts))).toStrictEqual(expected);
      return resolve(obj, options);
    });
    try {
      buildApp({ outdir: tmp('app') }).synth();
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBeGreaterThan(100);
  });

  describe('on hand-made values', () => {
    const app = new App({ outdir: tmp('hand') });
    const stack = new TerraformStack(app, 'hand');
    const variable = new TerraformVariable(stack, 'v', { type: 'string' });
    const list = new TerraformVariable(stack, 'l', { type: 'list(string)' });
    const local = new TerraformLocal(stack, 'loc', { a: 1, b: ['x'] });
    const lazyString = Lazy.stringValue({ produce: () => 'lazy ${x} }' });
    const lazyNumber = Lazy.numberValue({ produce: () => 42 });
    const lazyList = Lazy.listValue({ produce: () => ['a', variable.stringValue] });
    const lazyAny = Lazy.anyValue({ produce: () => ({ k: [1, undefined, variable.stringValue] }) });
    const numberToken = Token.asNumber(lazyNumber);
    const listToken = Token.asList(lazyList);
    const numberListToken = Token.asNumberList(Lazy.anyValue({ produce: () => [1, 2] }));
    const mapToken = Token.asStringMap(Lazy.anyValue({ produce: () => ({ m: 'v' }) }));
    const anyMapToken = Token.asAnyMap(
      Lazy.anyValue({ produce: () => ({ m: [variable.stringValue] }) }),
    );
    const numberKey = Token.asString(Lazy.anyValue({ produce: () => 7 }));
    const iterator = TerraformIterator.fromList(list.listValue);
    const contextReport = (): IResolvable => ({
      creationStack: [],
      resolve: (c: IResolveContext) => ({
        keys: Object.keys(c),
        preparing: c.preparing,
        scope: c.scope === stack,
        suppressBraces: c.suppressBraces,
        ignoreEscapes: c.ignoreEscapes,
        warnEscapes: c.warnEscapes,
        iteratorContext: c.iteratorContext,
      }),
    });
    /** Sets context fields before resolving its value, as cdktf's expressions do. */
    const setting = (fields: Partial<IResolveContext>, value: unknown): IResolvable => ({
      creationStack: ['made here'],
      resolve: (c) => c.resolve((Object.assign(c, fields), value)),
    });
    /** Changes its context while its children are resolved, from within a child. */
    const changingMidway: IResolvable = {
      creationStack: [],
      resolve: (c) => [
        Lazy.anyValue({ produce: () => ((c.suppressBraces = true), 'first') }),
        [contextReport(), { deep: contextReport() }],
        [
          Lazy.anyValue({ produce: () => ((c.iteratorContext = 'DYNAMIC_BLOCK'), 'second') }),
          contextReport(),
        ],
        contextReport(),
      ],
    };
    const postProcessed: IResolvable = {
      creationStack: [],
      resolve: (c) => {
        c.registerPostProcessor({
          postProcess: (x, pc) => ({ x, same: pc === c, keys: Object.keys(pc) }),
        });
        return { inner: variable.stringValue, n: numberToken };
      },
    };
    const nested = (depth: number, leaf: unknown): unknown =>
      depth === 0 ? leaf : depth % 2 ? [nested(depth - 1, leaf)] : { k: nested(depth - 1, leaf) };
    const sparse = [1, , 'b']; // eslint-disable-line no-sparse-arrays
    const throwing: IResolvable = {
      creationStack: ['here', 'there'],
      resolve: () => {
        throw new Error('producer failed');
      },
    };

    const values: Record<string, unknown> = {
      plain: 'plain text',
      empty: '',
      braces: 'a } b { c',
      dollarBrace: '${not a token}',
      escaped: '$${escaped} and ${',
      numberLike: ['1e5', 'ami-1e5e7', '-1.5e+10', '|e|', 'e', 'E1', '.e.', '12e', 'e12', 'x1e-'],
      stringMapValue: Token.STRING_MAP_TOKEN_VALUE,
      anyMapValue: Token.ANY_MAP_TOKEN_VALUE,
      numberMapValue: Token.NUMBER_MAP_TOKEN_VALUE,
      numbers: [0, -0, 1.5, -1, NaN, Infinity, -Infinity, -1e288, -1e300, Number.MIN_VALUE],
      numberInArray: [numberToken, 3],
      unknownNumberToken: createTokenDouble(2 ** 40, false),
      unknownNumberTokenInString: `n=${createTokenDouble(2 ** 40, false)}`,
      unknownListDouble: [createTokenDouble(2 ** 40, true)],
      numberToken,
      numberTokenInString: `n=${numberToken}!`,
      stringTokens: `${variable.stringValue}-${lazyString} $\${x} }`,
      listElementInString: `x${listToken[0]}`,
      listToken,
      listWithExtra: [...listToken, 'extra'],
      numberListToken,
      numberListWithExtra: [...numberListToken, 1],
      mapToken,
      anyMapToken,
      mapWithExtra: { ...mapToken, extra: 'x' },
      mapTokenKeyString: Object.keys(mapToken)[0],
      tokenKey: { [variable.stringValue]: 1, [`k-${lazyString}`]: [2] },
      keyResolvingToNumber: { [numberKey]: 1 },
      undefinedSkipped: { a: undefined, b: [undefined, 1, undefined], c: { d: undefined } },
      sparse,
      date: new Date(0),
      dates: { when: [new Date(86400000)] },
      booleans: [true, false, null],
      bigint: 10n,
      symbol: Symbol.for('s'),
      fn: () => 1,
      nestedFn: { a: { b: [1, () => 2] } },
      construct: { x: [stack] },
      lazies: { s: lazyString, n: lazyNumber, l: lazyList, a: lazyAny },
      terraform: {
        join: Fn.join(',', [variable.stringValue, 'a', lazyString]),
        format: Fn.format('%s ${x} $${y}', [variable.stringValue]),
        local: local.expression,
        lookup: Fn.lookup(local.expression, 'a', 0),
        conditional: Fn.conditional(variable.stringValue, 'a', 'b'),
      },
      dynamic: iterator.dynamic({ name: iterator.value, tags: [iterator.key, contextReport()] }),
      forExpression: iterator.forExpressionForList(iterator.value),
      context: contextReport(),
      contextSet: setting(
        { suppressBraces: true, iteratorContext: 'FOR_EXPRESSION' },
        { a: [contextReport(), `${variable.stringValue}`], b: { c: contextReport() } },
      ),
      escapesIgnored: setting({ ignoreEscapes: true, warnEscapes: true }, [
        `\${a} ${variable.stringValue} }`,
        'plain ${ }',
      ]),
      changingMidway,
      postProcessed,
      throwing: { t: throwing },
      depth199: nested(199, ['leaf', undefined, 1]),
      depth200: nested(200, 'leaf'),
      depth200undefined: nested(200, undefined),
      depth201: nested(201, 'leaf'),
      depth201Object: nested(201, {}),
      depth250: nested(250, 'leaf'),
    };

    const resolver = () => new DefaultTokenResolver(new StringConcat());
    for (const [name, value] of Object.entries(values)) {
      it(name, () => {
        for (const preparing of [false, true]) {
          for (const prefix of [undefined, [], ['p', 'q']]) {
            const opts = () => ({ scope: stack, preparing, resolver: resolver(), prefix });
            const expected = outcome(() => original.resolve(value, opts()));
            expect(outcome(() => fast.resolve(value, opts()))).toStrictEqual(expected);
          }
        }
        const found = outcome(() => described(original.findTokens(stack, () => value)));
        expect(outcome(() => described(fast.findTokens(stack, () => value)))).toStrictEqual(found);
      });
    }

    it('throws where the depth runs out, as cdktf does', () => {
      const opts = { scope: stack, preparing: false, resolver: resolver() };
      expect(outcome(() => fast.resolve(values.depth250, opts))).toMatchObject({
        thrown: expect.stringContaining('/k/0/k') as unknown,
      });
    });
  });
});
