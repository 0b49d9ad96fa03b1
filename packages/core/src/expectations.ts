import { createHash } from 'node:crypto';
import { ConfigValidationError } from './errors';
import { decodeJsonText, JsonTextError, maxJsonDepth } from './json-text';
import { findJsonSchemaProblem, SchemaSite } from './json-schema-check';

/**
 * A MockServer 9.x expectations validator, written for this project from MockServer's published
 * expectation schema (`mockserver-core`'s `model/schema/*.json`, combined into one draft-07 schema
 * the way `JsonSchemaExpectationValidator` does) and its 9.0.0 upgrade notes. With
 * `MOCKSERVER_FAIL_ON_INITIALIZATION_ERROR` unset, MockServer ignores a whole initialisation file
 * when one item in it is bad and still starts with no expectations; this check stops such a file
 * before anything is deployed.
 *
 * It is pure TypeScript (no schema engine at import) and stops at the first problem, reporting it
 * as a JSON path such as `$[2].httpResponse.statusCode`. Embedded JSON Schema matchers are then
 * checked against their meta-schema (ajv, loaded only when a document has one).
 *
 * Depth of checking: every request matcher, action, delay, modifier, times/timeToLive, chaos and
 * rate-limit object is checked key by key (closed key sets, types, enums, ranges). Request and
 * response bodies are free-form in MockServer's schema (any string, object or array), so only
 * their embedded JSON Schemas are checked.
 */

/** The first thing wrong with an expectations document. */
export interface ExpectationsProblem {
  /** JSON path of the offending value, e.g. `$[2].httpResponse.statusCode`; `$` for the document. */
  readonly path: string;
  /** The value found there (`undefined` for a missing one). */
  readonly value: unknown;
  /** What is allowed, e.g. `must be an integer`. */
  readonly rule: string;
}

/** The MockServer release line these rules follow. */
export const MOCKSERVER_SCHEMA_VERSION = '9.x';

/**
 * Keys that make an item an action; an expectation needs at least one (`anyOf` since MockServer
 * 6; 5.x required exactly one). `httpResponses` (a response sequence) and `steps` count as actions.
 */
export const EXPECTATION_ACTIONS = [
  'httpResponse',
  'httpResponseTemplate',
  'httpResponseClassCallback',
  'httpResponseObjectCallback',
  'httpForward',
  'httpForwardTemplate',
  'httpForwardClassCallback',
  'httpForwardObjectCallback',
  'httpOverrideForwardedRequest',
  'httpForwardValidateAction',
  'httpForwardWithFallback',
  'httpError',
  'httpSseResponse',
  'httpLlmResponse',
  'httpWebSocketResponse',
  'grpcStreamResponse',
  'grpcBidiResponse',
  'binaryResponse',
  'dnsResponse',
  'httpResponses',
  'steps',
] as const;

/** Status codes MockServer 9 accepts in a response (its 9.0.0 upgrade notes: 100-999, no opt-out). */
export const STATUS_CODE_RANGE = { min: 100, max: 999 } as const;

/**
 * Deepest nesting accepted: Jackson's default `StreamReadConstraints.maxNestingDepth` (1000),
 * which MockServer's parser applies; deeper documents are refused before they are walked.
 */
export const MAX_JSON_DEPTH = 1000;

type P = ExpectationsProblem | undefined;
type Check = (v: unknown, path: string, ctx: Context) => P;

/** What a walk collects besides the first problem: the embedded JSON Schemas to check after. */
interface Context {
  readonly schemas: SchemaSite[];
}

const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENT_RE.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Own keys only: a document key such as `constructor` or `__proto__` must never reach
// Object.prototype through a lookup table.
function has(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function problem(path: string, value: unknown, rule: string): ExpectationsProblem {
  return { path, value, rule };
}

const str: Check = (v, p) =>
  typeof v === 'string' ? undefined : problem(p, v, 'must be a string');
const bool: Check = (v, p) =>
  typeof v === 'boolean' ? undefined : problem(p, v, 'must be true or false');

function int(min?: number, max?: number): Check {
  return (v, p) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) return problem(p, v, 'must be an integer');
    if ((min !== undefined && v < min) || (max !== undefined && v > max))
      return problem(
        p,
        v,
        max === undefined
          ? `must be an integer of at least ${min}`
          : min === undefined
            ? `must be an integer of at most ${max}`
            : `must be an integer from ${min} to ${max}`,
      );
    return undefined;
  };
}
const anyInt = int();

function num(min: number, max: number, exclusiveMin = false): Check {
  return (v, p) =>
    typeof v === 'number' && Number.isFinite(v) && (exclusiveMin ? v > min : v >= min) && v <= max
      ? undefined
      : problem(
          p,
          v,
          `must be a number ${exclusiveMin ? 'above' : 'from'} ${min}${max === Infinity ? '' : ` to ${max}`}`,
        );
}

function maxLen(n: number): Check {
  return (v, p) =>
    typeof v === 'string' && v.length <= n
      ? undefined
      : problem(p, v, `must be a string of at most ${n} characters`);
}

function oneOfValues(values: readonly string[]): Check {
  return (v, p) =>
    typeof v === 'string' && values.includes(v)
      ? undefined
      : problem(p, v, `must be one of ${values.join(', ')}`);
}

function arrayOf(item: Check, minItems = 0): Check {
  return (v, p, ctx) => {
    if (!Array.isArray(v)) return problem(p, v, 'must be an array');
    if (v.length < minItems) return problem(p, v, `must have at least ${minItems} item`);
    for (let i = 0; i < v.length; i++) {
      const r = item(v[i], at(p, i), ctx);
      if (r) return r;
    }
    return undefined;
  };
}

/** Either one item or a non-empty array of them (`oneOf: [item, {type: array, minItems: 1}]`). */
function oneOrMany(item: Check): Check {
  return (v, p, ctx) => (Array.isArray(v) ? arrayOf(item, 1)(v, p, ctx) : item(v, p, ctx));
}

/** An object with a closed set of keys (`additionalProperties: false`) and required keys. */
function shape(
  props: () => Readonly<Record<string, Check>>,
  opts: { what?: string; required?: readonly string[] } = {},
): Check {
  return (v, p, ctx) => {
    const table = props();
    if (!isObject(v)) return problem(p, v, `must be ${opts.what ?? 'an object'}`);
    for (const k of Object.keys(v)) {
      if (!has(table, k))
        return problem(
          at(p, k),
          v[k],
          `is not allowed here (allowed keys: ${Object.keys(table).join(', ')})`,
        );
      const r = table[k]!(v[k], at(p, k), ctx);
      if (r) return r;
    }
    for (const k of opts.required ?? [])
      if (!has(v, k)) return problem(at(p, k), undefined, 'is required');
    return undefined;
  };
}

/** Exactly one of `keys` must be present (the schema's `oneOf` of `required` clauses). */
function exactlyOne(check: Check, keys: readonly string[]): Check {
  return (v, p, ctx) => {
    const r = check(v, p, ctx);
    if (r || !isObject(v)) return r;
    const found = keys.filter((k) => has(v, k));
    return found.length === 1
      ? undefined
      : problem(
          p,
          found.length === 0 ? Object.keys(v) : found,
          `must have exactly one of ${keys.join(', ')}; found ${found.length === 0 ? 'none' : found.join(' and ')}`,
        );
  };
}

// Embedded JSON Schemas (draft-07 by default): an object or a boolean here, checked against
// their meta-schema once the structural walk is done.
const jsonSchema: Check = (v, p, ctx) => {
  if (!isObject(v) && typeof v !== 'boolean') return problem(p, v, 'must be a JSON schema');
  ctx.schemas.push({ path: p, schema: v });
  return undefined;
};

const TIME_UNITS = [
  'DAYS',
  'HOURS',
  'MINUTES',
  'SECONDS',
  'MILLISECONDS',
  'MICROSECONDS',
  'NANOSECONDS',
];
const PARAMETER_STYLES = [
  'SIMPLE',
  'SIMPLE_EXPLODED',
  'LABEL',
  'LABEL_EXPLODED',
  'MATRIX',
  'MATRIX_EXPLODED',
  'FORM_EXPLODED',
  'FORM',
  'SPACE_DELIMITED_EXPLODED',
  'SPACE_DELIMITED',
  'PIPE_DELIMITED_EXPLODED',
  'PIPE_DELIMITED',
  'DEEP_OBJECT',
];
const TEMPLATE_TYPES = ['VELOCITY', 'JAVASCRIPT', 'MUSTACHE'];
const DNS_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'SRV', 'TXT', 'PTR'];
const DNS_CLASSES = ['IN', 'CH', 'HS', 'ANY'];
const SCHEME = oneOfValues(['HTTP', 'HTTPS']);
const FAILURE_POLICY = oneOfValues(['FAIL_FAST', 'BEST_EFFORT']);
const fraction = num(0, 1);

const delay: Check = shape(() => ({
  timeUnit: oneOfValues(TIME_UNITS),
  value: anyInt,
  template: str,
  templateType: oneOfValues(['VELOCITY', 'MUSTACHE']),
  distribution: shape(
    () => ({
      type: oneOfValues(['UNIFORM', 'LOG_NORMAL', 'GAUSSIAN']),
      min: int(0),
      max: int(0),
      median: int(1),
      p99: int(1),
      mean: int(0),
      stdDev: int(0),
    }),
    { required: ['type'] },
  ),
}));

const stringOrJsonSchema: Check = (v, p, ctx) => {
  if (typeof v === 'string') return undefined;
  if (!isObject(v)) return problem(p, v, 'must be a string or a matcher object');
  return shape(() => ({
    not: bool,
    optional: bool,
    value: str,
    schema: jsonSchema,
    parameterStyle: oneOfValues(PARAMETER_STYLES),
  }))(v, p, ctx);
};

const NO_SPACE_RE = /^\S+$/;

const keyToMultiValue: Check = (v, p, ctx) => {
  if (Array.isArray(v))
    return arrayOf(
      shape(() => ({ name: stringOrJsonSchema, values: arrayOf(stringOrJsonSchema) }), {
        what: 'a { name, values } object',
      }),
    )(v, p, ctx);
  if (!isObject(v))
    return problem(p, v, 'must be an object of name to values, or an array of { name, values }');
  for (const k of Object.keys(v)) {
    const val = v[k];
    const kp = at(p, k);
    if (k === 'keyMatchStyle') {
      const r = oneOfValues(['MATCHING_KEY', 'SUB_SET'])(val, kp, ctx);
      if (r) return r;
      continue;
    }
    if (!NO_SPACE_RE.test(k)) return problem(kp, val, 'name must not contain whitespace');
    if (typeof val === 'string') continue;
    const r = Array.isArray(val)
      ? arrayOf(stringOrJsonSchema)(val, kp, ctx)
      : isObject(val)
        ? shape(() => ({
            parameterStyle: oneOfValues(PARAMETER_STYLES),
            values: arrayOf(stringOrJsonSchema),
          }))(val, kp, ctx)
        : problem(kp, val, 'must be a string, an array of values or { parameterStyle, values }');
    if (r) return r;
  }
  return undefined;
};

const keyToValue: Check = (v, p, ctx) => {
  if (Array.isArray(v))
    return arrayOf(
      shape(() => ({ name: stringOrJsonSchema, value: stringOrJsonSchema }), {
        what: 'a { name, value } object',
      }),
    )(v, p, ctx);
  if (!isObject(v))
    return problem(p, v, 'must be an object of name to value, or an array of { name, value }');
  for (const k of Object.keys(v)) {
    if (!NO_SPACE_RE.test(k)) return problem(at(p, k), v[k], 'name must not contain whitespace');
    const r = stringOrJsonSchema(v[k], at(p, k), ctx);
    if (r) return r;
  }
  return undefined;
};

/**
 * A body: any string, object or array (MockServer's `body` schema ends in open object and array
 * forms). Typed JSON Schema bodies have their schema checked; `ALL_OF` bodies are walked.
 */
const body: Check = (v, p, ctx) => {
  if (typeof v === 'string' || Array.isArray(v)) return undefined;
  if (!isObject(v)) return problem(p, v, 'must be a string, an object or an array');
  if (v.type === 'JSON_SCHEMA' && has(v, 'jsonSchema')) {
    const s = v.jsonSchema;
    const sp = at(p, 'jsonSchema');
    if (typeof s === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(s);
      } catch (e) {
        return problem(
          sp,
          s,
          `must be a JSON schema; the string is not JSON (${(e as Error).message})`,
        );
      }
      return jsonSchema(parsed, sp, ctx);
    }
    return jsonSchema(s, sp, ctx);
  }
  if (v.type === 'ALL_OF' && Array.isArray(v.bodyAllOf)) {
    return arrayOf(body)(v.bodyAllOf, at(p, 'bodyAllOf'), ctx);
  }
  return undefined;
};

const socketAddress = shape(() => ({ host: str, port: anyInt, scheme: SCHEME }));

const httpRequest: Check = shape(() => ({
  not: bool,
  secure: bool,
  keepAlive: bool,
  respondBeforeBody: bool,
  method: stringOrJsonSchema,
  path: stringOrJsonSchema,
  pathParameters: keyToMultiValue,
  queryStringParameters: keyToMultiValue,
  body,
  originalBody: str,
  headers: keyToMultiValue,
  cookies: keyToValue,
  socketAddress,
  protocol: oneOfValues(['HTTP_1_1', 'HTTP_2', 'HTTP_3']),
  localAddress: str,
  remoteAddress: str,
  clientCertificateChain: arrayOf(
    shape(() => ({
      issuerDistinguishedName: str,
      subjectDistinguishedName: str,
      serialNumber: str,
      signatureAlgorithmName: str,
    })),
  ),
  clientCertificate: shape(() => ({
    subject: stringOrJsonSchema,
    issuer: stringOrJsonSchema,
    fingerprintSha256: stringOrJsonSchema,
  })),
  jwt: shape(() => ({
    header: str,
    scheme: str,
    claims: mapOf(stringOrJsonSchema),
    issuer: stringOrJsonSchema,
    audience: stringOrJsonSchema,
    algorithm: stringOrJsonSchema,
  })),
}));

function mapOf(value: Check): Check {
  return (v, p, ctx) => {
    if (!isObject(v)) return problem(p, v, 'must be an object');
    for (const k of Object.keys(v)) {
      const r = value(v[k], at(p, k), ctx);
      if (r) return r;
    }
    return undefined;
  };
}

const specUrlOrPayload: Check = (v, p) =>
  typeof v === 'string' || isObject(v)
    ? undefined
    : problem(p, v, 'must be a URL, a file path, or an OpenAPI document (string or object)');

const openAPIDefinition = shape(
  () => ({ not: bool, specUrlOrPayload, operationId: str, contextPathPrefix: str }),
  { required: ['specUrlOrPayload'] },
);
const binaryRequestDefinition = shape(() => ({ not: bool, binaryData: str, socketAddress }), {
  required: ['binaryData'],
});
const dnsRequestDefinition = shape(
  () => ({
    not: bool,
    dnsName: str,
    dnsType: oneOfValues(DNS_TYPES),
    dnsClass: oneOfValues(DNS_CLASSES),
  }),
  { required: ['dnsName'] },
);
const conditionalRequestDefinition: Check = shape(
  () => ({ not: bool, if: conditionalBranch, then: conditionalBranch, else: conditionalBranch }),
  { required: ['if'] },
);
// The schema's anyOf of disjoint closed shapes, picked by the key only one of them has.
function conditionalBranch(v: unknown, p: string, ctx: Context): P {
  if (isObject(v) && has(v, 'specUrlOrPayload')) return openAPIDefinition(v, p, ctx);
  if (isObject(v) && has(v, 'if')) return conditionalRequestDefinition(v, p, ctx);
  return httpRequest(v, p, ctx);
}
const requestDefinition: Check = (v, p, ctx) => {
  if (isObject(v)) {
    if (has(v, 'binaryData')) return binaryRequestDefinition(v, p, ctx);
    if (has(v, 'dnsName')) return dnsRequestDefinition(v, p, ctx);
  }
  return conditionalBranch(v, p, ctx);
};

const connectionOptions = shape(() => ({
  suppressContentLengthHeader: bool,
  contentLengthHeaderOverride: anyInt,
  suppressConnectionHeader: bool,
  chunkSize: anyInt,
  chunkDelay: delay,
  keepAliveOverride: bool,
  closeSocket: bool,
  closeSocketDelay: delay,
}));

const httpResponse: Check = shape(() => ({
  delay,
  body,
  generateFromSchema: str,
  cookies: keyToValue,
  connectionOptions,
  recoverAfter: shape(() => ({
    failTimes: anyInt,
    failResponse: mapOf(() => undefined),
    idempotencyHeader: str,
  })),
  headers: keyToMultiValue,
  trailers: keyToMultiValue,
  statusCode: int(STATUS_CODE_RANGE.min, STATUS_CODE_RANGE.max),
  statusCodeRange: str,
  reasonPhrase: str,
  primary: bool,
}));

const removeList = arrayOf(str);
const multiModifier = shape(() => ({
  add: keyToMultiValue,
  replace: keyToMultiValue,
  remove: removeList,
}));
const singleModifier = shape(() => ({ add: keyToValue, replace: keyToValue, remove: removeList }));
const responseModifier: Check = shape(() => ({
  headers: multiModifier,
  cookies: singleModifier,
  condition: shape(() => ({
    statusCode: anyInt,
    statusCodeRange: str,
    responseHasHeader: str,
    requestHasHeader: str,
  })),
  modifiers: arrayOf(responseModifier),
  jsonPatch: arrayOf(() => undefined),
  jsonMergePatch: mapOf(() => undefined),
}));

const httpTemplate: Check = shape(() => ({
  delay,
  templateType: oneOfValues(TEMPLATE_TYPES),
  template: str,
  templateFile: str,
  primary: bool,
  responseOverride: httpResponse,
  responseModifier,
}));
const httpForward = shape(() => ({
  delay,
  host: str,
  port: anyInt,
  scheme: SCHEME,
  primary: bool,
}));
const httpClassCallback = shape(() => ({ delay, callbackClass: str, primary: bool }));
const httpObjectCallback = shape(() => ({
  delay,
  clientId: str,
  responseCallback: bool,
  primary: bool,
}));

const overrideShape = shape(() => ({
  delay,
  requestOverride: httpRequest,
  requestModifier: shape(() => ({
    path: shape(() => ({ regex: str, substitution: str }), { required: ['regex'] }),
    queryStringParameters: multiModifier,
    headers: multiModifier,
    cookies: singleModifier,
  })),
  responseOverride: httpResponse,
  responseModifier,
  responseTemplate: httpTemplate,
  primary: bool,
}));
const legacyOverrideShape = shape(() => ({ delay, httpRequest, httpResponse, primary: bool }));
// The schema's oneOf of two closed shapes: an object holding only `delay`/`primary` fits both, so
// it fits neither.
const httpOverrideForwardedRequest: Check = (v, p, ctx) => {
  if (!isObject(v)) return problem(p, v, 'must be an object');
  const keys = Object.keys(v).filter((k) => k !== 'delay' && k !== 'primary');
  if (keys.length === 0)
    return problem(
      p,
      v,
      'must say what to override: requestOverride/requestModifier/responseOverride/responseModifier/responseTemplate, or httpRequest/httpResponse',
    );
  return keys.some((k) => k === 'httpRequest' || k === 'httpResponse')
    ? legacyOverrideShape(v, p, ctx)
    : overrideShape(v, p, ctx);
};

const httpForwardValidateAction = shape(
  () => ({
    delay,
    specUrlOrPayload: str,
    host: str,
    port: anyInt,
    scheme: SCHEME,
    validateRequest: bool,
    validateResponse: bool,
    validationMode: oneOfValues(['STRICT', 'LOG_ONLY']),
    primary: bool,
  }),
  { required: ['specUrlOrPayload', 'host'] },
);
const httpForwardWithFallback = shape(
  () => ({
    delay,
    httpForward,
    fallbackResponse: httpResponse,
    fallbackOnStatusCodes: arrayOf(anyInt),
    fallbackOnTimeout: bool,
    primary: bool,
  }),
  { required: ['httpForward', 'fallbackResponse'] },
);
const httpError = shape(() => ({
  delay,
  dropConnection: bool,
  responseBytes: str,
  streamError: anyInt,
  primary: bool,
}));
const httpSseResponse = shape(() => ({
  delay,
  headers: keyToMultiValue,
  statusCode: anyInt,
  events: arrayOf(shape(() => ({ event: str, data: str, id: str, retry: anyInt, delay }))),
  templateType: oneOfValues(TEMPLATE_TYPES),
  closeConnection: bool,
  primary: bool,
}));

const LLM_PROVIDERS = [
  'ANTHROPIC',
  'OPENAI',
  'OPENAI_RESPONSES',
  'GEMINI',
  'BEDROCK',
  'AZURE_OPENAI',
  'OLLAMA',
  'COHERE',
  'VOYAGE',
  'MISTRAL',
  'XAI',
  'DEEPSEEK',
  'GROQ',
  'OPENROUTER',
];
const httpLlmResponse = shape(() => ({
  delay,
  provider: oneOfValues(LLM_PROVIDERS),
  model: str,
  completion: shape(() => ({
    text: str,
    toolCalls: arrayOf(shape(() => ({ id: str, name: str, arguments: str }))),
    stopReason: str,
    usage: shape(() => ({
      inputTokens: int(0),
      outputTokens: int(0),
      cachedInputTokens: int(0),
      cacheCreationTokens: int(0),
      reasoningTokens: int(0),
    })),
    streaming: bool,
    outputSchema: str,
    enforceOutputSchema: bool,
    toolChoice: str,
    reasoningText: str,
    reasoningSignature: str,
    model: str,
    streamingPhysics: shape(() => ({
      timeToFirstToken: delay,
      tokensPerSecond: int(1, 10000),
      jitter: fraction,
      seed: anyInt,
      subwordStreaming: bool,
    })),
  })),
  embedding: shape(() => ({ dimensions: anyInt, deterministicFromInput: bool, seed: anyInt })),
  rerank: shape(() => ({ topN: int(0), deterministicFromInput: bool, seed: anyInt })),
  moderation: shape(() => ({ flaggedCategories: arrayOf(str), model: str })),
  contentFilter: shape(() => ({ hate: str, sexual: str, violence: str, selfHarm: str })),
  conversationPredicates: shape(() => ({
    turnIndex: int(0),
    latestMessageContains: str,
    latestMessageMatches: str,
    latestMessageRole: oneOfValues(['USER', 'ASSISTANT', 'TOOL', 'SYSTEM']),
    containsToolResultFor: str,
    semanticMatchAgainst: str,
    normalization: shape(() => ({
      collapseWhitespace: bool,
      lowercase: bool,
      sortJsonKeys: bool,
      dropBuiltInVolatileFields: bool,
      dropVolatileFields: arrayOf(str),
    })),
  })),
  chaos: shape(() => ({
    errorStatus: anyInt,
    retryAfter: str,
    errorProbability: fraction,
    truncateMode: oneOfValues(['NONE', 'MID_STREAM']),
    truncateAtFraction: fraction,
    malformedSse: bool,
    seed: anyInt,
    quotaName: str,
    quotaLimit: int(0),
    quotaWindowMillis: int(1),
    quotaErrorStatus: anyInt,
    tokenQuotaLimit: int(1),
    tokenQuotaWindowMillis: int(1),
    contentFilterBlockProbability: fraction,
    errorKind: str,
  })),
  primary: bool,
}));

const wsFrame = shape(() => ({ text: str, binary: str, delay }));
const httpWebSocketResponse = shape(() => ({
  delay,
  subprotocol: str,
  messages: arrayOf(wsFrame),
  matchers: arrayOf(
    shape(() => ({
      frameType: oneOfValues(['TEXT', 'BINARY', 'PING', 'PONG', 'ANY']),
      textMatcher: stringOrJsonSchema,
      responses: arrayOf(wsFrame),
    })),
  ),
  templateType: oneOfValues(TEMPLATE_TYPES),
  closeConnection: bool,
  graphqlSubscriptionFilter: shape(
    () => ({
      type: oneOfValues(['GRAPHQL']),
      query: str,
      operationName: str,
      variablesSchema: str,
      selectionSetMatchType: oneOfValues(['NORMALISED_STRING', 'AST_EXACT', 'AST_SUBSET']),
      fields: arrayOf(str),
    }),
    { required: ['query'] },
  ),
  primary: bool,
}));

const grpcMessage = shape(() => ({ json: str, templateType: oneOfValues(TEMPLATE_TYPES), delay }));
const grpcCommon = {
  delay,
  headers: keyToMultiValue,
  statusName: str,
  statusMessage: str,
  messages: arrayOf(grpcMessage),
  closeConnection: bool,
  primary: bool,
};
const grpcStreamResponse = shape(() => grpcCommon);
const grpcBidiResponse = shape(() => ({
  ...grpcCommon,
  rules: arrayOf(shape(() => ({ matchJson: stringOrJsonSchema, responses: arrayOf(grpcMessage) }))),
}));
const binaryResponse = shape(() => ({ delay, binaryData: str, primary: bool }));
const dnsRecord = shape(() => ({
  name: str,
  type: oneOfValues(DNS_TYPES),
  dnsClass: oneOfValues(DNS_CLASSES),
  ttl: int(0),
  value: str,
  priority: int(0),
  weight: int(0),
  port: int(0, 65535),
}));
const dnsResponse = shape(() => ({
  delay,
  answerRecords: arrayOf(dnsRecord),
  authorityRecords: arrayOf(dnsRecord),
  additionalRecords: arrayOf(dnsRecord),
  responseCode: oneOfValues(['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED']),
  primary: bool,
}));

const afterAction = exactlyOne(
  shape(() => ({
    httpRequest,
    httpClassCallback,
    httpObjectCallback,
    delay,
    blocking: bool,
    timeout: delay,
    failurePolicy: FAILURE_POLICY,
  })),
  ['httpRequest', 'httpClassCallback', 'httpObjectCallback'],
);
const captureRule = shape(
  () => ({
    source: oneOfValues([
      'jsonPath',
      'xpath',
      'header',
      'queryStringParameter',
      'cookie',
      'pathParameter',
    ]),
    expression: str,
    into: str,
  }),
  { required: ['source', 'expression', 'into'] },
);
const STEP_ACTIONS = [
  'httpRequest',
  'httpClassCallback',
  'httpObjectCallback',
  'httpForward',
  'httpOverrideForwardedRequest',
  'httpResponse',
  'httpError',
];
const expectationStep = exactlyOne(
  shape(() => ({
    httpRequest,
    httpClassCallback,
    httpObjectCallback,
    httpForward,
    httpOverrideForwardedRequest,
    httpResponse,
    httpError,
    responder: bool,
    delay,
    blocking: bool,
    timeout: delay,
    failurePolicy: FAILURE_POLICY,
  })),
  STEP_ACTIONS,
);

const httpChaosProfile = shape(() => ({
  errorStatus: int(100, 599),
  retryAfter: maxLen(100),
  errorProbability: fraction,
  dropConnectionProbability: fraction,
  latency: delay,
  seed: anyInt,
  succeedFirst: int(0),
  failRequestCount: int(1),
  outageAfterMillis: int(0),
  outageDurationMillis: int(1),
  truncateBodyAtFraction: fraction,
  malformedBody: bool,
  slowResponseChunkSize: int(1),
  slowResponseChunkDelay: delay,
  quotaName: str,
  quotaLimit: int(1),
  quotaWindowMillis: int(1),
  quotaErrorStatus: int(100, 599),
  degradationRampMillis: int(1),
  graphqlErrors: bool,
  graphqlErrorMessage: str,
  graphqlErrorCode: str,
  graphqlNullifyData: bool,
}));
const rateLimit = shape(() => ({
  name: str,
  algorithm: oneOfValues(['fixed_window', 'token_bucket']),
  limit: int(1),
  windowMillis: int(1),
  burst: int(1),
  refillPerSecond: num(0, Infinity, true),
  errorStatus: int(100, 599),
  retryAfter: maxLen(100),
}));

const ACTION_CHECKS: Readonly<Record<(typeof EXPECTATION_ACTIONS)[number], Check>> = {
  httpResponse,
  httpResponseTemplate: httpTemplate,
  httpResponseClassCallback: httpClassCallback,
  httpResponseObjectCallback: httpObjectCallback,
  httpForward,
  httpForwardTemplate: httpTemplate,
  httpForwardClassCallback: httpClassCallback,
  httpForwardObjectCallback: httpObjectCallback,
  httpOverrideForwardedRequest,
  httpForwardValidateAction,
  httpForwardWithFallback,
  httpError,
  httpSseResponse,
  httpLlmResponse,
  httpWebSocketResponse,
  grpcStreamResponse,
  grpcBidiResponse,
  binaryResponse,
  dnsResponse,
  httpResponses: arrayOf(httpResponse, 1),
  steps: arrayOf(expectationStep, 1),
};

const EXPECTATION_PROPS: Readonly<Record<string, Check>> = {
  id: str,
  priority: anyInt,
  percentage: int(0, 100),
  chaos: httpChaosProfile,
  rateLimit,
  httpRequest: requestDefinition,
  ...ACTION_CHECKS,
  beforeActions: oneOrMany(afterAction),
  afterActions: oneOrMany(afterAction),
  capture: oneOrMany(captureRule),
  namespace: str,
  scenarioName: str,
  scenarioState: str,
  newScenarioState: str,
  responseMode: oneOfValues(['SEQUENTIAL', 'RANDOM', 'WEIGHTED', 'SWITCH']),
  responseWeights: arrayOf(int(1)),
  switchAfter: int(1),
  crossProtocolScenarios: arrayOf(
    shape(
      () => ({
        trigger: oneOfValues(['DNS_QUERY', 'WEBSOCKET_CONNECT', 'GRPC_REQUEST', 'HTTP_REQUEST']),
        matchPattern: str,
        scenarioName: str,
        targetState: str,
      }),
      { required: ['trigger', 'scenarioName', 'targetState'] },
    ),
  ),
  times: shape(() => ({ remainingTimes: anyInt, unlimited: bool })),
  timeToLive: shape(() => ({
    timeUnit: oneOfValues(TIME_UNITS),
    timeToLive: anyInt,
    endDate: anyInt,
    unlimited: bool,
  })),
  timestamp: str,
};

/** Every key a (non-OpenAPI) expectation may have. */
export const EXPECTATION_KEYS: readonly string[] = Object.keys(EXPECTATION_PROPS);

const openAPIExpectation = shape(
  () => ({
    specUrlOrPayload,
    operationsAndResponses: mapOf((v, p) => {
      if (typeof v === 'string') return undefined;
      if (!isObject(v))
        return problem(p, v, 'must be a status code string or { statusCode, exampleName? }');
      if (!has(v, 'statusCode')) return problem(at(p, 'statusCode'), undefined, 'is required');
      if (typeof v.statusCode !== 'string')
        return problem(at(p, 'statusCode'), v.statusCode, 'must be a string');
      if (has(v, 'exampleName') && typeof v.exampleName !== 'string')
        return problem(at(p, 'exampleName'), v.exampleName, 'must be a string');
      return undefined;
    }),
    contextPathPrefix: str,
  }),
  { required: ['specUrlOrPayload'] },
);

const expectationItem: Check = (v, p, ctx) => {
  if (!isObject(v)) return problem(p, v, 'must be an expectation object');
  // MockServer routes an item by this key before validating it (ExpectationSerializer).
  if (has(v, 'specUrlOrPayload')) return openAPIExpectation(v, p, ctx);
  const r = shape(() => EXPECTATION_PROPS, { what: 'an expectation object' })(v, p, ctx);
  if (r) return r;
  if (!EXPECTATION_ACTIONS.some((a) => has(v, a)))
    return problem(
      p,
      Object.keys(v),
      `must have an action (one of ${EXPECTATION_ACTIONS.join(', ')}); found none`,
    );
  return undefined;
};

/**
 * Finds the first problem in an already-parsed expectations document (one expectation object or
 * an array of them; an empty array is allowed, as MockServer allows it), including embedded JSON
 * Schemas that are not valid schemas.
 */
export function findExpectationsProblem(doc: unknown): ExpectationsProblem | undefined {
  const depth = maxJsonDepth(doc, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH)
    return problem(
      '$',
      `nesting deeper than ${MAX_JSON_DEPTH}`,
      `must nest at most ${MAX_JSON_DEPTH} levels deep (MockServer's JSON parser refuses deeper documents)`,
    );
  const ctx: Context = { schemas: [] };
  let r: P;
  if (Array.isArray(doc)) {
    for (let i = 0; i < doc.length && !r; i++) r = expectationItem(doc[i], `$[${i}]`, ctx);
  } else if (!isObject(doc)) {
    r = problem('$', doc, 'must be an expectation object or an array of them');
  } else {
    r = expectationItem(doc, '$', ctx);
  }
  if (r) return r;
  for (const site of ctx.schemas) {
    const s = findJsonSchemaProblem(site);
    if (s) return s;
  }
  return undefined;
}

/** A validated expectations document, normalised for upload. */
export interface ValidatedExpectations {
  /** Where it came from (file path or a label), used in messages. */
  readonly source: string;
  /** The parsed document, always an array. */
  readonly items: readonly unknown[];
  /**
   * Canonical JSON text written to the bucket: compact (no indentation), so the synthesised
   * stack, the Terraform state and the stored stack carry no whitespace.
   */
  readonly json: string;
  /** Size of {@link json} in bytes (UTF-8). */
  readonly bytes: number;
  /** First 16 hex characters of the SHA-256 of {@link json}: the version id. */
  readonly hash: string;
  /** Number of items (OpenAPI items count once, though MockServer expands them). */
  readonly count: number;
}

/**
 * Default largest canonical expectations document, in bytes (256 KiB). The document is embedded
 * in the project stack (once), so it also sits in the Terraform state and in the stored stack
 * object the teardown task reads; this keeps all three small. A project may raise it up to
 * {@link EXPECTATIONS_HARD_MAX_BYTES}.
 */
export const EXPECTATIONS_MAX_BYTES = 256 * 1024;
/** Largest limit a project may set (4 MiB). */
export const EXPECTATIONS_HARD_MAX_BYTES = 4 * 1024 * 1024;
/** Files larger than this are refused before they are decoded or parsed (16 MiB). */
export const EXPECTATIONS_MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Options of the expectations validators. */
export interface ExpectationsOptions {
  /** Largest canonical document accepted, in bytes. @default EXPECTATIONS_MAX_BYTES */
  readonly maxBytes?: number;
}

function fail(source: string, path: string | undefined, value: unknown, rule: string): never {
  throw new ConfigValidationError(`MockServer expectations in ${source}`, [
    { field: path === undefined ? source : `${source}: ${path}`, value, rule },
  ]);
}

/**
 * Decodes, parses and validates an expectations file's bytes: UTF-8 (a byte-order mark is
 * accepted, as MockServer accepts it); UTF-16/UTF-32 and invalid UTF-8 are refused with the byte
 * offset; JSON syntax errors name the line and column.
 *
 * @throws ConfigValidationError naming the file and what is wrong.
 */
export function validateExpectationsBytes(
  bytes: Uint8Array,
  source = 'expectations.json',
  options: ExpectationsOptions = {},
): ValidatedExpectations {
  if (bytes.length > EXPECTATIONS_MAX_FILE_BYTES)
    fail(
      source,
      undefined,
      `${bytes.length} bytes`,
      `must be at most ${EXPECTATIONS_MAX_FILE_BYTES} bytes`,
    );
  let doc: unknown;
  try {
    doc = decodeJsonText(bytes);
  } catch (e) {
    if (e instanceof JsonTextError) fail(source, undefined, undefined, e.message);
    throw e;
  }
  return validateExpectationsValue(doc, source, options);
}

/**
 * Parses and validates expectations text. `source` names the file in errors, e.g.
 * `expectations.json: $[2].httpResponse.statusCode: got "200", must be an integer`.
 *
 * @throws ConfigValidationError naming the file and the JSON path of the first problem.
 */
export function validateExpectationsText(
  text: string,
  source = 'expectations.json',
  options: ExpectationsOptions = {},
): ValidatedExpectations {
  return validateExpectationsBytes(Buffer.from(text, 'utf8'), source, options);
}

/**
 * Validates an already-parsed expectations document.
 *
 * @throws ConfigValidationError naming `source` and the JSON path of the first problem.
 */
export function validateExpectationsValue(
  doc: unknown,
  source = 'expectations.json',
  options: ExpectationsOptions = {},
): ValidatedExpectations {
  const maxBytes = options.maxBytes ?? EXPECTATIONS_MAX_BYTES;
  const p = findExpectationsProblem(doc);
  if (p) fail(source, p.path, p.value, p.rule);
  const items = Array.isArray(doc) ? doc : [doc];
  const json = JSON.stringify(items);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxBytes)
    fail(
      source,
      undefined,
      `${bytes} bytes (compact JSON)`,
      `must be at most ${maxBytes} bytes as compact JSON: the file is embedded in the stack, the Terraform state and the stored stack; split it, move large bodies out, or raise the project's maxExpectationsBytes (at most ${EXPECTATIONS_HARD_MAX_BYTES})`,
    );
  return Object.freeze({
    source,
    items: Object.freeze([...items]),
    json,
    bytes,
    hash: createHash('sha256').update(json).digest('hex').slice(0, 16),
    count: items.length,
  });
}
