import { createHash } from 'node:crypto';
import { ConfigValidationError } from './errors';

/**
 * A MockServer 5.15.0 expectations validator, hand-written from MockServer's own JSON schemas
 * (`expectation.json`, `openAPIExpectation.json` and what they reference). MockServer ignores a
 * whole initialization file when one item in it is bad and still starts healthy with no
 * expectations, so this check is the only protection a deployment gets.
 *
 * It is pure TypeScript (no schema engine at import) and stops at the first problem, reporting it
 * as a JSON path such as `$[2].httpResponse.statusCode`.
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

/** Keys that make an item an action; MockServer 5.15.0 requires exactly one (`oneOf`). */
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
  'httpError',
] as const;

/** Every key an (non-OpenAPI) expectation may have. */
export const EXPECTATION_KEYS = [
  'id',
  'priority',
  'httpRequest',
  ...EXPECTATION_ACTIONS,
  'times',
  'timeToLive',
  'timestamp',
] as const;

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

type P = ExpectationsProblem | undefined;
type Check = (v: unknown, path: string) => P;

const IDENT_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENT_RE.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function problem(path: string, value: unknown, rule: string): ExpectationsProblem {
  return { path, value, rule };
}

const str: Check = (v, p) =>
  typeof v === 'string' ? undefined : problem(p, v, 'must be a string');
const bool: Check = (v, p) =>
  typeof v === 'boolean' ? undefined : problem(p, v, 'must be true or false');
const int: Check = (v, p) =>
  typeof v === 'number' && Number.isInteger(v) ? undefined : problem(p, v, 'must be an integer');
const oneOfValues =
  (values: readonly string[]): Check =>
  (v, p) =>
    typeof v === 'string' && values.includes(v)
      ? undefined
      : problem(p, v, `must be one of ${values.join(', ')}`);

function arrayOf(item: Check): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return problem(p, v, 'must be an array');
    for (let i = 0; i < v.length; i++) {
      const r = item(v[i], at(p, i));
      if (r) return r;
    }
    return undefined;
  };
}

/** An object with a closed set of keys (`additionalProperties: false`). */
function shape(props: Readonly<Record<string, Check>>, what = 'object'): Check {
  return (v, p) => {
    if (!isObject(v)) return problem(p, v, `must be an ${what}`);
    for (const [k, val] of Object.entries(v)) {
      const check = props[k];
      if (!check)
        return problem(
          at(p, k),
          val,
          `is not allowed here (allowed keys: ${Object.keys(props).join(', ')})`,
        );
      const r = check(val, at(p, k));
      if (r) return r;
    }
    return undefined;
  };
}

// JSON-schema values (draft-07) are objects or booleans; MockServer checks them itself later.
const jsonSchema: Check = (v, p) =>
  isObject(v) || typeof v === 'boolean' ? undefined : problem(p, v, 'must be a JSON schema');

const delay = shape({ timeUnit: str, value: int });

const stringOrJsonSchema: Check = (v, p) => {
  if (typeof v === 'string') return undefined;
  if (!isObject(v)) return problem(p, v, 'must be a string or a matcher object');
  return shape({
    not: bool,
    optional: bool,
    value: str,
    schema: jsonSchema,
    parameterStyle: oneOfValues(PARAMETER_STYLES),
  })(v, p);
};

const NO_SPACE_RE = /^\S+$/;

const keyToMultiValue: Check = (v, p) => {
  if (Array.isArray(v))
    return arrayOf(shape({ name: str, values: arrayOf(str) }, '{ name, values } object'))(v, p);
  if (!isObject(v))
    return problem(p, v, 'must be an object of name to values, or an array of { name, values }');
  for (const [k, val] of Object.entries(v)) {
    const kp = at(p, k);
    if (k === 'keyMatchStyle') {
      const r = oneOfValues(['MATCHING_KEY', 'SUB_SET'])(val, kp);
      if (r) return r;
      continue;
    }
    if (!NO_SPACE_RE.test(k)) return problem(kp, val, 'name must not contain whitespace');
    if (typeof val === 'string') continue;
    const r = Array.isArray(val)
      ? arrayOf(stringOrJsonSchema)(val, kp)
      : isObject(val)
        ? shape({
            parameterStyle: oneOfValues(PARAMETER_STYLES),
            values: arrayOf(stringOrJsonSchema),
          })(val, kp)
        : problem(kp, val, 'must be a string, an array of values or { parameterStyle, values }');
    if (r) return r;
  }
  return undefined;
};

const keyToValue: Check = (v, p) => {
  if (Array.isArray(v))
    return arrayOf(shape({ name: str, value: str }, '{ name, value } object'))(v, p);
  if (!isObject(v))
    return problem(p, v, 'must be an object of name to value, or an array of { name, value }');
  for (const [k, val] of Object.entries(v)) {
    if (!NO_SPACE_RE.test(k)) return problem(at(p, k), val, 'name must not contain whitespace');
    const r = stringOrJsonSchema(val, at(p, k));
    if (r) return r;
  }
  return undefined;
};

// Any object, array or string is a body (the schemas' anyOf includes open object/array forms).
const body: Check = (v, p) =>
  typeof v === 'string' || typeof v === 'object'
    ? v === null
      ? problem(p, v, 'must be a string, an object or an array')
      : undefined
    : problem(p, v, 'must be a string, an object or an array');

const scheme = oneOfValues(['HTTP', 'HTTPS']);
const socketAddress = shape({ host: str, port: int, scheme });

const clientCertificateChain: Check = (v, p) =>
  Array.isArray(v)
    ? arrayOf(
        shape({
          issuerDistinguishedName: str,
          subjectDistinguishedName: str,
          serialNumber: str,
          signatureAlgorithmName: str,
        }),
      )(v, p)
    : undefined;

const httpRequest = shape({
  secure: bool,
  keepAlive: bool,
  method: stringOrJsonSchema,
  path: stringOrJsonSchema,
  pathParameters: keyToMultiValue,
  queryStringParameters: keyToMultiValue,
  body,
  headers: keyToMultiValue,
  cookies: keyToValue,
  socketAddress,
  protocol: oneOfValues(['HTTP_1_1', 'HTTP_2']),
  localAddress: str,
  remoteAddress: str,
  clientCertificateChain,
});

const specUrlOrPayload: Check = (v, p) =>
  typeof v === 'string' || isObject(v)
    ? undefined
    : problem(p, v, 'must be a URL, a file path, or an OpenAPI document (string or object)');

function withRequired(check: Check, required: string): Check {
  return (v, p) =>
    check(v, p) ??
    (isObject(v) && !(required in v)
      ? problem(at(p, required), undefined, 'is required')
      : undefined);
}

const openAPIDefinition = withRequired(
  shape({ specUrlOrPayload, operationId: str }),
  'specUrlOrPayload',
);

const requestDefinition: Check = (v, p) =>
  isObject(v) && 'specUrlOrPayload' in v ? openAPIDefinition(v, p) : httpRequest(v, p);

const connectionOptions = shape({
  suppressContentLengthHeader: bool,
  contentLengthHeaderOverride: int,
  suppressConnectionHeader: bool,
  chunkSize: int,
  keepAliveOverride: bool,
  closeSocket: bool,
  closeSocketDelay: delay,
});

const httpResponse = shape({
  delay,
  body,
  cookies: keyToValue,
  connectionOptions,
  headers: keyToMultiValue,
  statusCode: int,
  reasonPhrase: str,
});

const httpTemplate = shape({
  delay,
  templateType: oneOfValues(['VELOCITY', 'JAVASCRIPT', 'MUSTACHE']),
  template: str,
});
const httpForward = shape({ delay, host: str, port: int, scheme });
const httpClassCallback = shape({ delay, callbackClass: str });
const httpObjectCallback = shape({ delay, clientId: str, responseCallback: bool });
const httpError = shape({ delay, dropConnection: bool, responseBytes: str });

const removeList = arrayOf(str);
const multiModifier = shape({ add: keyToMultiValue, replace: keyToMultiValue, remove: removeList });
const singleModifier = shape({ add: keyToValue, replace: keyToValue, remove: removeList });
const overrideShape = shape({
  delay,
  requestOverride: httpRequest,
  requestModifier: shape({
    path: withRequired(shape({ regex: str, substitution: str }), 'regex'),
    queryStringParameters: multiModifier,
    headers: multiModifier,
    cookies: singleModifier,
  }),
  responseOverride: httpResponse,
  responseModifier: shape({ headers: multiModifier, cookies: singleModifier }),
});
const legacyOverrideShape = shape({ delay, httpRequest, httpResponse });

// The schema's oneOf: an object that fits both forms (only `delay`, or nothing) fits neither.
const httpOverrideForwardedRequest: Check = (v, p) => {
  if (!isObject(v)) return problem(p, v, 'must be an object');
  const keys = Object.keys(v).filter((k) => k !== 'delay');
  if (keys.length === 0)
    return problem(
      p,
      v,
      'must say what to override: requestOverride/requestModifier/responseOverride/responseModifier, or httpRequest/httpResponse',
    );
  return keys.some((k) => k === 'httpRequest' || k === 'httpResponse')
    ? legacyOverrideShape(v, p)
    : overrideShape(v, p);
};

const EXPECTATION_PROPS: Readonly<Record<string, Check>> = {
  id: str,
  priority: int,
  httpRequest: requestDefinition,
  httpResponse,
  httpResponseTemplate: httpTemplate,
  httpResponseClassCallback: httpClassCallback,
  httpResponseObjectCallback: httpObjectCallback,
  httpForward,
  httpForwardTemplate: httpTemplate,
  httpForwardClassCallback: httpClassCallback,
  httpForwardObjectCallback: httpObjectCallback,
  httpOverrideForwardedRequest,
  httpError,
  times: shape({ remainingTimes: int, unlimited: bool }),
  timeToLive: shape({
    timeUnit: oneOfValues(TIME_UNITS),
    timeToLive: int,
    endDate: int,
    unlimited: bool,
  }),
  timestamp: str,
};

const openAPIExpectation = withRequired(
  shape({
    specUrlOrPayload,
    operationsAndResponses: (v, p) => {
      if (!isObject(v)) return problem(p, v, 'must be an object of operationId to status code');
      for (const [k, val] of Object.entries(v)) {
        const r = str(val, at(p, k));
        if (r) return r;
      }
      return undefined;
    },
  }),
  'specUrlOrPayload',
);

const expectationItem: Check = (v, p) => {
  if (!isObject(v)) return problem(p, v, 'must be an expectation object');
  // MockServer routes an item by this key before validating it (ExpectationSerializer).
  if ('specUrlOrPayload' in v) return openAPIExpectation(v, p);
  const r = shape(EXPECTATION_PROPS, 'expectation object')(v, p);
  if (r) return r;
  const actions = EXPECTATION_ACTIONS.filter((a) => a in v);
  if (actions.length !== 1)
    return problem(
      p,
      actions.length === 0 ? Object.keys(v) : actions,
      `must have exactly one action (${EXPECTATION_ACTIONS.join(', ')}); found ${actions.length === 0 ? 'none' : actions.join(' and ')}`,
    );
  return undefined;
};

/**
 * Finds the first problem in an already-parsed expectations document (one expectation object or
 * an array of them; an empty array is allowed, as MockServer allows it).
 */
export function findExpectationsProblem(doc: unknown): ExpectationsProblem | undefined {
  if (Array.isArray(doc)) {
    for (let i = 0; i < doc.length; i++) {
      const r = expectationItem(doc[i], `$[${i}]`);
      if (r) return r;
    }
    return undefined;
  }
  if (!isObject(doc)) return problem('$', doc, 'must be an expectation object or an array of them');
  return expectationItem(doc, '$');
}

function lineAndColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `line ${line} column ${col}`;
}

function parseError(text: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(msg);
  if (m)
    return `${msg.replace(/ in JSON at position \d+.*$/, '')} at ${lineAndColumn(text, Number(m[1]))}`;
  return msg;
}

/** A validated expectations document, normalised for upload. */
export interface ValidatedExpectations {
  /** Where it came from (file path or a label), used in messages. */
  readonly source: string;
  /** The parsed document, always an array. */
  readonly items: readonly unknown[];
  /** Canonical JSON text (two-space indented) written to the bucket. */
  readonly json: string;
  /** First 16 hex characters of the SHA-256 of {@link json}: the version id. */
  readonly hash: string;
  /** Number of items (OpenAPI items count once, though MockServer expands them). */
  readonly count: number;
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
): ValidatedExpectations {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigValidationError(`MockServer expectations in ${source}`, [
      { field: source, value: undefined, rule: `must be valid JSON: ${parseError(text, err)}` },
    ]);
  }
  return validateExpectationsValue(doc, source);
}

/**
 * Validates an already-parsed expectations document.
 *
 * @throws ConfigValidationError naming `source` and the JSON path of the first problem.
 */
export function validateExpectationsValue(
  doc: unknown,
  source = 'expectations.json',
): ValidatedExpectations {
  const p = findExpectationsProblem(doc);
  if (p) {
    throw new ConfigValidationError(`MockServer expectations in ${source}`, [
      { field: `${source}: ${p.path}`, value: p.value, rule: p.rule },
    ]);
  }
  const items = Array.isArray(doc) ? doc : [doc];
  const json = `${JSON.stringify(items, null, 2)}\n`;
  return Object.freeze({
    source,
    items: Object.freeze([...items]),
    json,
    hash: createHash('sha256').update(json).digest('hex').slice(0, 16),
    count: items.length,
  });
}
