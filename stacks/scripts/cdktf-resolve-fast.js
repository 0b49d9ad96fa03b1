'use strict';
// A faster drop-in for cdktf's lib/tokens/private/resolve.js, which scripts/bundle-builder.js puts
// in the stack-builder bundle in its place, only while cdktf's resolve.js and encoding.js are the
// files this was derived from (their digests are in cdktf-resolve-fast.json;
// src/synthesis/fast-resolve.test.ts fails when they change, and compares both versions).
//
// It requires the same modules as the original, relative to the original's directory, and takes
// the same steps in the same order wherever a step can be seen from outside: a token, a resolver,
// a post-processor or an error. What it skips is work whose outcome is known beforehand:
// - the path name, built for errors only;
// - a context (three closures) for descending into an array element or an object value: nothing
//   but the next resolve sees that context, which reads its four inherited fields, so a frozen
//   copy of those fields taken at the same moment does the same;
// - the token tests of a string without "TfToken[" (every string, list and map token marker ends
//   with it), or without an "e" preceded by a character of the number pattern (encoded numbers in
//   strings are matched with NUMBER_TOKEN_REGEX, which needs one);
// - the token double test of a number above -1e288: encoded token doubles (both kinds) have
//   0xfdff or 0xfbff in their top 16 bits, so are negative with a magnitude of at least 2^960;
// - a nested call for a child that resolves to itself (undefined, null, a boolean, a plain string
//   or number), unless the child is deeper than the 200 levels at which resolve throws.
Object.defineProperty(exports, '__esModule', { value: true });
exports.RememberingTokenResolver = void 0;
exports.resolve = resolve;
exports.findTokens = findTokens;
const resolvable_1 = require('../resolvable');
const encoding_1 = require('./encoding');
const token_map_1 = require('./token-map');
const token_1 = require('../token');
const errors_1 = require('../../errors');
const tokenMap = token_map_1.TokenMap.instance();
/** encoding.js's NUMBER_TOKEN_REGEX, without the global flag (so without lastIndex state). */
const NUMBER_TOKEN = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
/** Above this, a number is no encoded token double of either kind. */
const BELOW_TOKEN_DOUBLES = -1e288;
/** The deepest prefix at which resolve does not throw. */
const MAX_DEPTH = 200;

/** The fields a context passes on to the contexts made under it, fixed when it is made. */
class Inherited {
  constructor(previous) {
    this.suppressBraces = previous?.suppressBraces;
    this.ignoreEscapes = previous?.ignoreEscapes;
    this.warnEscapes = previous?.warnEscapes;
    this.iteratorContext = previous?.iteratorContext;
  }
}
const NOTHING_INHERITED = new Inherited(undefined);

/**
 * Whether resolve returns the string `s` as it is, without any token lookup, error or warning.
 * Not for the two map token values, which resolve rejects.
 */
function isPlainString(s) {
  return (
    s.indexOf('TfToken[') === -1 &&
    s !== token_1.Token.STRING_MAP_TOKEN_VALUE &&
    s !== token_1.Token.ANY_MAP_TOKEN_VALUE &&
    (s.indexOf('e') === -1 || !NUMBER_TOKEN.test(s))
  );
}

/** Whether resolve returns `x` itself (at a depth where it does not throw). */
function resolvesToItself(x) {
  switch (typeof x) {
    case 'undefined':
    case 'boolean':
      return true;
    case 'string':
      return isPlainString(x);
    case 'number':
      return x > BELOW_TOKEN_DOUBLES && x !== token_1.Token.NUMBER_MAP_TOKEN_VALUE;
    case 'object':
      return x === null;
    default:
      return false;
  }
}

/**
 * Resolves an object by evaluating all tokens and removing any undefined or empty objects or arrays.
 * Values can only be primitives, arrays or tokens. Other objects (i.e. with methods) will be rejected.
 *
 * @param obj The object to resolve.
 * @param prefix Prefix key path components for diagnostics.
 */
function resolve(obj, options) {
  const prefix = options.prefix || [];
  const pathName = () => '/' + prefix.join('/');
  /**
   * Make a new resolution context
   */
  function makeContext(appendPath) {
    const newPrefix = appendPath !== undefined ? prefix.concat([appendPath]) : options.prefix;
    let postProcessor;
    const context = {
      preparing: options.preparing,
      scope: options.scope,
      suppressBraces: options.previousContext?.suppressBraces,
      ignoreEscapes: options.previousContext?.ignoreEscapes,
      warnEscapes: options.previousContext?.warnEscapes,
      iteratorContext: options.previousContext?.iteratorContext,
      registerPostProcessor(pp) {
        postProcessor = pp;
      },
      resolve(x) {
        return resolve(x, {
          ...options,
          prefix: newPrefix,
          previousContext: context,
        });
      },
    };
    return [
      context,
      {
        postProcess(x) {
          return postProcessor ? postProcessor.postProcess(x, context) : x;
        },
      },
    ];
  }
  /** What `makeContext(appendPath)[0].resolve(x)` returns, without making the context. */
  function resolveChild(x, appendPath) {
    // resolve(x) for such an x only checks the depth before returning it.
    if (prefix.length < MAX_DEPTH && resolvesToItself(x)) return x;
    const previous = options.previousContext;
    return resolve(x, {
      scope: options.scope,
      preparing: options.preparing,
      resolver: options.resolver,
      prefix: appendPath !== undefined ? prefix.concat([appendPath]) : options.prefix,
      previousContext:
        previous === undefined
          ? NOTHING_INHERITED
          : previous instanceof Inherited
            ? previous
            : new Inherited(previous),
    });
  }
  // protect against cyclic references by limiting depth.
  if (prefix.length > MAX_DEPTH) {
    throw (0, errors_1.unableToResolveCircularReference)(pathName());
  }
  //
  // undefined
  //
  if (typeof obj === 'undefined') {
    return undefined;
  }
  //
  // null
  //
  if (obj === null) {
    return null;
  }
  //
  // functions - not supported (only tokens are supported)
  //
  if (typeof obj === 'function') {
    throw (0, errors_1.cannotResolveFunction)(pathName(), obj);
  }
  //
  // string - potentially replace all stringified Tokens
  //
  if (typeof obj === 'string') {
    if (obj.indexOf('TfToken[') === -1) {
      if (
        obj === token_1.Token.STRING_MAP_TOKEN_VALUE ||
        obj === token_1.Token.ANY_MAP_TOKEN_VALUE
      ) {
        throw (0, errors_1.encodedMapTokenInScalarStringContext)();
      }
      if (obj.indexOf('e') === -1 || !NUMBER_TOKEN.test(obj)) return obj;
    }
    // If this is a "list element" Token, it should never occur by itself in string context
    if (encoding_1.TokenString.forListToken(obj).test()) {
      throw (0, errors_1.encodedListTokenInScalarStringContext)();
    }
    if (obj === token_1.Token.STRING_MAP_TOKEN_VALUE || obj === token_1.Token.ANY_MAP_TOKEN_VALUE) {
      throw (0, errors_1.encodedMapTokenInScalarStringContext)();
    }
    let str = obj;
    const context = makeContext()[0];
    const tokenStr = encoding_1.TokenString.forString(
      str,
      !context.ignoreEscapes,
      context.warnEscapes,
    );
    if (tokenStr.test()) {
      const fragments = tokenStr.split(tokenMap.lookupToken.bind(tokenMap));
      str = options.resolver.resolveString(fragments, makeContext()[0]);
    }
    // replace concatenated token numbers
    const tokenNumberStr = encoding_1.TokenString.forNumbers(str);
    if (tokenNumberStr.test()) {
      const fragments = tokenNumberStr.split((id) => {
        return token_map_1.TokenMap.instance().lookupNumberToken(parseFloat(id));
      });
      const context = makeContext()[0];
      str = fragments.mapTokens(context).join(new resolvable_1.StringConcat());
    }
    return str;
  }
  //
  // number - potentially decode Tokenized number
  //
  if (typeof obj === 'number') {
    if (obj === token_1.Token.NUMBER_MAP_TOKEN_VALUE) {
      throw (0, errors_1.encodedMapTokenInScalarNumberContext)();
    }
    if (obj > BELOW_TOKEN_DOUBLES) return obj;
    return resolveNumberToken(obj, makeContext);
  }
  //
  // primitives - as-is
  //
  if (typeof obj !== 'object' || obj instanceof Date) {
    return obj;
  }
  //
  // arrays - resolve all values, remove undefined and remove empty arrays
  //
  if (Array.isArray(obj)) {
    if (containsStringListTokenElement(obj)) {
      return options.resolver.resolveList(obj, makeContext()[0]);
    }
    if (containsNumberListTokenElement(obj)) {
      return options.resolver.resolveNumberList(obj, makeContext()[0]);
    }
    const arr = obj.map((x, i) => resolveChild(x, `${i}`)).filter((x) => typeof x !== 'undefined');
    return arr;
  }
  // check for tokenized map
  if (containsMapToken(obj)) {
    return options.resolver.resolveMap(obj, makeContext()[0]);
  }
  //
  // tokens - invoke 'resolve' and continue to resolve recursively
  //
  // unresolved(obj) for an object that is no array: a map token, or a resolvable.
  if (containsMapToken(obj) || token_1.Tokenization.isResolvable(obj)) {
    const [context, postProcessor] = makeContext();
    return options.resolver.resolveToken(obj, context, postProcessor);
  }
  //
  // objects - deep-resolve all values
  //
  // Must not be a Construct at this point, otherwise you probably made a typo
  // mistake somewhere and resolve will get into an infinite loop recursing into
  // child.parent <---> parent.children
  if (isConstruct(obj)) {
    throw (0, errors_1.constructsCannotBeResolved)(pathName());
  }
  const result = {};
  for (const key of Object.keys(obj)) {
    const resolvedKey = resolveChild(key, undefined);
    if (typeof resolvedKey !== 'string') {
      throw (0, errors_1.mapKeyMustResolveToString)(pathName(), key, resolvedKey);
    }
    const value = resolveChild(obj[key], key);
    // skip undefined
    if (typeof value === 'undefined') {
      continue;
    }
    result[resolvedKey] = value;
  }
  return result;
}
// encoding.js's containsStringListTokenElement, containsNumberListTokenElement and containsMapToken,
// reading the same elements and keys in the same order, with a test that rules out most of them
// before the regex or the bit test does.
function containsStringListTokenElement(xs) {
  return xs.some(
    (x) =>
      typeof x === 'string' &&
      x.indexOf('TfToken[') !== -1 &&
      encoding_1.TokenString.forListToken(x).test(),
  );
}
function containsNumberListTokenElement(xs) {
  return xs.some(
    (x) =>
      typeof x === 'number' &&
      !(x > BELOW_TOKEN_DOUBLES) &&
      (0, encoding_1.extractTokenDouble)(x, true) !== undefined,
  );
}
function containsMapToken(xs) {
  return Object.keys(xs).some(
    (x) =>
      typeof x === 'string' &&
      x.indexOf('TfToken[') !== -1 &&
      encoding_1.TokenString.forMapToken(x).test(),
  );
}
/**
 * Find all Tokens that are used in the given structure
 */
function findTokens(scope, fn) {
  const resolver = new RememberingTokenResolver(new resolvable_1.StringConcat());
  resolve(fn(), { scope, prefix: [], resolver, preparing: true });
  return resolver.tokens;
}
/**
 * Remember all Tokens encountered while resolving
 */
class RememberingTokenResolver extends resolvable_1.DefaultTokenResolver {
  constructor() {
    super(...arguments);
    this.tokensSeen = new Set();
  }
  resolveToken(t, context, postProcessor) {
    this.tokensSeen.add(t);
    return super.resolveToken(t, context, postProcessor);
  }
  resolveString(s, context) {
    const ret = super.resolveString(s, context);
    return ret;
  }
  get tokens() {
    return Array.from(this.tokensSeen);
  }
}
exports.RememberingTokenResolver = RememberingTokenResolver;
/**
 * Determine whether an object is a Construct
 *
 * Not in 'construct.ts' because that would lead to a dependency cycle via 'uniqueid.ts',
 * and this is a best-effort protection against a common programming mistake anyway.
 */
function isConstruct(x) {
  return x._children !== undefined && x._metadata !== undefined;
}
/**
 * Resolves a number token
 */
function resolveNumberToken(x, makeContext) {
  const token = token_map_1.TokenMap.instance().lookupNumberToken(x);
  if (token === undefined) {
    return x;
  }
  return makeContext()[0].resolve(token);
}
/*! automock: cdktf-resolve-fast (in place of cdktf/lib/tokens/private/resolve.js) */
