import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigValidationError } from './errors';
import {
  EXPECTATION_ACTIONS,
  EXPECTATION_KEYS,
  EXPECTATIONS_MAX_BYTES,
  findExpectationsProblem,
  MAX_JSON_DEPTH,
  validateExpectationsBytes,
  validateExpectationsText,
  validateExpectationsValue,
} from './expectations';
import { findJsonSyntaxError } from './json-text';

// The project's own fixtures (packages/core/fixtures/expectations), written for MockServer 9.x.
const FIXTURES = path.resolve(__dirname, '../fixtures/expectations');

function corpus(dir: string): [string, Buffer][] {
  const d = path.join(FIXTURES, dir);
  return fs
    .readdirSync(d)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(d, f))]);
}

const valid = corpus('valid');
const validOpenApi = corpus('valid-openapi');
const invalid = corpus('invalid');
const parse = (b: Buffer): unknown => JSON.parse(b.toString('utf8').replace(/^\uFEFF/, ''));

/** What each invalid fixture must be refused with (a fragment of the message). */
const INVALID_EXPECTED: Readonly<Record<string, string | RegExp>> = {
  '01-not-json-trailing-comma.json':
    "must be valid JSON: unexpected ']' after ',' (trailing comma) at line 3 column 1",
  '02-not-json-unterminated-array.json':
    "expected ',' or ']' after an array element, found end of input at line 3 column 1",
  '03-status-code-is-a-string.json': '$[0].httpResponse.statusCode: got "200", must be an integer',
  '04-status-code-out-of-range.json':
    '$[0].httpResponse.statusCode: got 1000, must be an integer from 100 to 999',
  '05-unknown-top-level-key.json': '$[0].description: got "list pets", is not allowed here',
  '06-no-action.json': '$[0]: got ["httpRequest","times"], must have an action',
  '07-array-item-is-a-number.json': '$[1]: got 42, must be an expectation object',
  '08-remaining-times-is-a-string.json': '$[0].times.remainingTimes: got "3", must be an integer',
  '09-time-unit-unknown.json': '$[0].timeToLive.timeUnit: got "WEEKS", must be one of DAYS',
  '10-headers-array-of-strings.json':
    '$[0].httpResponse.headers[0]: got "Content-Type: application/json", must be a { name, values } object',
  '11-wiremock-style-keys.json': '$[0].request: got {"url":"/pets"}, is not allowed here',
  '12-json-schema-matcher-bad-type.json':
    /\$\[0\]\.httpRequest\.body\.jsonSchema\.type: got "strnig", must be a valid JSON Schema \(draft-07\)/,
  '13-json-schema-path-parameter-bad-minimum.json':
    /\$\[0\]\.httpRequest\.pathParameters\.id\[0\]\.schema\.minimum: got "1", must be a valid JSON Schema \(draft-07\): must be number/,
  '14-json-schema-string-is-not-json.json':
    '$[0].httpRequest.body.jsonSchema: got "{type: object", must be a JSON schema; the string is not JSON',
  '15-json-schema-bad-pattern.json':
    /\$\[0\]\.httpRequest\.headers\["X-Id"\]\[0\]\.schema: got nothing, must be a usable JSON Schema \(draft-07\): Invalid regular expression/,
  '16-override-with-only-delay.json':
    '$[0].httpOverrideForwardedRequest: got {"delay":{"timeUnit":"SECONDS","value":1}}, must say what to override',
  '17-after-action-two-targets.json':
    '$[0].afterActions: got ["httpRequest","httpClassCallback"], must have exactly one of httpRequest, httpClassCallback, httpObjectCallback',
  '18-llm-provider-unknown.json':
    '$[0].httpLlmResponse.provider: got "CHATBOT", must be one of ANTHROPIC',
  '19-dns-record-port-out-of-range.json':
    '$[0].dnsResponse.answerRecords[0].port: got 70000, must be an integer from 0 to 65535',
  '20-steps-empty.json': '$[0].steps: got [], must have at least 1 item',
  '21-proto-key-at-top-level.json': '$[0].__proto__: got {"polluted":true}, is not allowed here',
  '22-constructor-key-at-top-level.json': '$[0].constructor: got "x", is not allowed here',
  '23-openapi-operations-and-responses-number.json':
    '$[0].operationsAndResponses.listPets: got 200, must be a status code string',
  '24-nested-too-deep.json': `must nest at most ${MAX_JSON_DEPTH} levels deep`,
  '25-utf16-le-with-bom.json':
    'must be UTF-8: it is UTF-16 (little-endian) (byte-order mark at byte 0)',
  '26-utf16-be-without-bom.json':
    'must be UTF-8: byte 0 is 0x00, so it looks UTF-16 or UTF-32 encoded',
  '27-invalid-utf8.json': 'must be UTF-8: invalid UTF-8 at byte 50 (0xe9)',
  '28-document-is-a-string.json':
    '$: got "httpResponse", must be an expectation object or an array of them',
};

describe('the project’s MockServer 9.x fixtures', () => {
  it('are all in the repository and all classified', () => {
    expect(valid.length).toBeGreaterThanOrEqual(40);
    expect(validOpenApi.length).toBeGreaterThanOrEqual(3);
    expect(invalid.map(([n]) => n)).toEqual(Object.keys(INVALID_EXPECTED).sort());
  });

  it.each([...valid, ...validOpenApi])('accepts valid %s', (name, bytes) => {
    expect(() => validateExpectationsBytes(bytes, name)).not.toThrow();
  });

  it.each(invalid)('refuses invalid %s, naming the file and what is wrong', (name, bytes) => {
    let error: unknown;
    try {
      validateExpectationsBytes(bytes, name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const message = (error as Error).message;
    expect(message).toContain(name);
    const expected = INVALID_EXPECTED[name]!;
    if (typeof expected === 'string') expect(message).toContain(expected);
    else expect(message).toMatch(expected);
  });

  it('cover every action type and every expectation key', () => {
    const items = [...valid, ...validOpenApi].flatMap(([, b]) => {
      const d = parse(b);
      return (Array.isArray(d) ? d : [d]) as Record<string, unknown>[];
    });
    const keys = new Set(items.flatMap((i) => Object.keys(i)));
    expect(EXPECTATION_ACTIONS.filter((a) => !keys.has(a))).toEqual([]);
    expect(EXPECTATION_KEYS.filter((k) => !keys.has(k))).toEqual([]);
    expect(keys.has('specUrlOrPayload')).toBe(true);
  });

  it('cover every request matcher and body type', () => {
    const text = [...valid, ...validOpenApi].map(([, b]) => b.toString('utf8')).join('\n');
    const matchers = [
      'method',
      'path',
      'pathParameters',
      'queryStringParameters',
      'body',
      'headers',
      'cookies',
      'socketAddress',
      'protocol',
      'secure',
      'keepAlive',
      'localAddress',
      'remoteAddress',
      'clientCertificateChain',
      'clientCertificate',
      'jwt',
      'binaryData',
      'dnsName',
      'operationId',
      'keyMatchStyle',
      'parameterStyle',
      'optional',
      'not',
    ];
    const bodyTypes = [
      'JSON',
      'JSON_SCHEMA',
      'JSON_PATH',
      'XPATH',
      'REGEX',
      'STRING',
      'XML',
      'XML_SCHEMA',
      'BINARY',
      'PARAMETERS',
      'MULTIPART',
      'GRAPHQL',
      'JSON_RPC',
      'FUZZY',
      'ALL_OF',
    ];
    expect(matchers.filter((m) => !text.includes(`"${m}"`))).toEqual([]);
    expect(bodyTypes.filter((t) => !text.includes(`"type": "${t}"`))).toEqual([]);
    expect(text).toContain('"if"');
  });
});

// Every key the fixtures use is checked: a value of the wrong type anywhere outside free-form
// parts (bodies, embedded schemas and specs, patches), or an unknown key in any closed object, is
// refused. Without this, a key the validator forgot would pass silently.
describe('the validator checks every key the fixtures use', () => {
  const FREE_FORM = new Set([
    'body',
    'specUrlOrPayload',
    'schema',
    'jsonSchema',
    'jsonPatch',
    'jsonMergePatch',
    'failResponse',
  ]);
  type Trail = (string | number)[];
  function* leaves(node: unknown, trail: Trail): Generator<[Trail, unknown]> {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) yield* leaves(node[i], [...trail, i]);
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (FREE_FORM.has(k)) continue;
        yield* leaves(v, [...trail, k]);
      }
    } else yield [trail, node];
  }
  function* objects(node: unknown, trail: Trail): Generator<Trail> {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) yield* objects(node[i], [...trail, i]);
    } else if (node && typeof node === 'object') {
      yield trail;
      for (const [k, v] of Object.entries(node)) {
        if (FREE_FORM.has(k)) continue;
        yield* objects(v, [...trail, k]);
      }
    }
  }
  const setAt = (root: unknown, trail: Trail, value: unknown) => {
    let cur = root as Record<string | number, unknown>;
    for (const k of trail.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
    cur[trail[trail.length - 1]!] = value;
    return root;
  };
  const getAt = (root: unknown, trail: Trail) =>
    trail.reduce<unknown>((c, k) => (c as Record<string | number, unknown>)[k], root);
  // Objects whose keys are names (headers, parameters, claims, operations) take any key.
  const openMap = (trail: Trail) => {
    const last = trail[trail.length - 1];
    return (
      typeof last === 'string' &&
      [
        'headers',
        'trailers',
        'queryStringParameters',
        'pathParameters',
        'cookies',
        'parameters',
        'fields',
        'filenames',
        'partContentTypes',
        'claims',
        'operationsAndResponses',
        'add',
        'replace',
      ].includes(last)
    );
  };

  it.each([...valid, ...validOpenApi])(
    '%s: every wrong-typed leaf and unknown key is refused',
    (_n, b) => {
      const doc = parse(b);
      const clone = () => structuredClone(doc);
      let mutated = 0;
      const missed: string[] = [];
      for (const [trail, value] of leaves(doc, [])) {
        if (trail.length === 0) continue;
        const wrong = typeof value === 'string' ? 12345 : 'not-a-number-or-boolean';
        // Top-level OpenAPI operations map strings to strings: a number is wrong there too.
        if (findExpectationsProblem(setAt(clone(), trail, wrong)) === undefined)
          missed.push(`${JSON.stringify(trail)} = ${JSON.stringify(wrong)}`);
        mutated++;
      }
      for (const trail of objects(doc, [])) {
        if (openMap(trail)) continue;
        const target = getAt(doc, trail);
        if (
          target &&
          typeof target === 'object' &&
          'statusCode' in target &&
          trail.includes('operationsAndResponses')
        )
          continue;
        const m = clone();
        (getAt(m, trail) as Record<string, unknown>).bogusKey = 1;
        if (findExpectationsProblem(m) === undefined)
          missed.push(`${JSON.stringify(trail)}.bogusKey`);
        mutated++;
      }
      expect(missed).toEqual([]);
      if (Array.isArray(doc) && doc.length === 0) expect(mutated).toBe(0);
      else expect(mutated).toBeGreaterThan(0);
    },
  );
});

describe('error messages', () => {
  it('gives the file and JSON path of the first problem', () => {
    const text = JSON.stringify([
      { httpRequest: { path: '/a' }, httpResponse: { statusCode: 200 } },
      { httpRequest: { path: '/b' }, httpResponse: { statusCode: 201 } },
      { httpRequest: { path: '/c' }, httpResponse: { statusCode: '200' } },
    ]);
    expect(() => validateExpectationsText(text, 'expectations.json')).toThrow(
      'expectations.json: $[2].httpResponse.statusCode: got "200", must be an integer',
    );
  });

  it('quotes keys that are not identifiers', () => {
    const p = findExpectationsProblem({
      httpRequest: { headers: { 'Content-Type': 5 } },
      httpResponse: {},
    });
    expect(p?.path).toBe('$.httpRequest.headers["Content-Type"]');
  });

  it('accepts two actions in one item, as MockServer 9 does (anyOf)', () => {
    expect(findExpectationsProblem({ httpResponse: {}, httpError: {} })).toBeUndefined();
  });

  it('accepts an empty array and normalises one object to a compact array', () => {
    expect(validateExpectationsText('[]').count).toBe(0);
    const v = validateExpectationsValue({ httpResponse: { statusCode: 204 } });
    expect(v.items).toHaveLength(1);
    expect(v.json).toBe('[{"httpResponse":{"statusCode":204}}]');
    expect(v.bytes).toBe(v.json.length);
    expect(v.hash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('file encodings and JSON syntax', () => {
  const doc = '[{"httpResponse": {"statusCode": 200, "body": "déjà"}}]';

  it('accepts a UTF-8 byte-order mark, as MockServer does, and drops it', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)]);
    const v = validateExpectationsBytes(withBom, 'bom.json');
    expect(v.items).toEqual(JSON.parse(doc));
    expect(v.json.charCodeAt(0)).toBe(0x5b);
    // A BOM in text (as read by a caller) is accepted the same way.
    expect(validateExpectationsText(`\uFEFF${doc}`).items).toEqual(JSON.parse(doc));
  });

  it.each([
    [
      'UTF-16 (little-endian)',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]),
    ],
    [
      'UTF-16 (big-endian)',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(doc, 'utf16le').swap16()]),
    ],
    ['UTF-32 (little-endian)', Buffer.from([0xff, 0xfe, 0x00, 0x00, 0x5b, 0, 0, 0])],
  ])('refuses %s, saying so', (name, bytes) => {
    expect(() => validateExpectationsBytes(bytes, 'x.json')).toThrow(
      `x.json: got nothing, must be UTF-8: it is ${name} (byte-order mark at byte 0)`,
    );
  });

  it('refuses UTF-16 without a byte-order mark, with the offset of the first NUL byte', () => {
    expect(() => validateExpectationsBytes(Buffer.from(doc, 'utf16le'), 'x.json')).toThrow(
      'byte 1 is 0x00, so it looks UTF-16 or UTF-32 encoded',
    );
  });

  it.each([
    ['a lone continuation byte', [0x80], 0],
    ['an overlong encoding of "/"', [0xc0, 0xaf], 0],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['a truncated sequence', [0xe2, 0x82], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ])('refuses invalid UTF-8 (%s) with its byte offset', (_what, bad, rel) => {
    const prefix = Buffer.from('["é", "');
    const bytes = Buffer.concat([prefix, Buffer.from(bad), Buffer.from('"]')]);
    expect(() => validateExpectationsBytes(bytes, 'x.json')).toThrow(
      `invalid UTF-8 at byte ${prefix.length + rel} (0x${bad[rel]!.toString(16)})`,
    );
  });

  it.each([
    ['[1,}', 'unexpected "}" where a value should start at line 1 column 4'],
    ['[1,]', "unexpected ']' after ',' (trailing comma) at line 1 column 4"],
    [
      '{\n  "a": 1\n  "b": 2\n}',
      "expected ',' or '}' after a property value, found \"\\\"\" at line 3 column 3",
    ],
    ['', 'unexpected end of input where a value should start at line 1 column 1'],
    ['[1]\n x', 'unexpected "x" after the end of the document at line 2 column 2'],
    ['["a\nb"]', 'control character in a string (escape it, e.g. \\n) at line 1 column 4'],
    ["{'a': 1}", 'expected a property name in double quotes, found "\'" at line 1 column 2'],
    ['["é", tru]', 'unexpected "t" where a value should start at line 1 column 7'],
  ])('reports a JSON syntax error with line and column: %j', (text, message) => {
    expect(() => validateExpectationsText(text, 'x.json')).toThrow(
      `must be valid JSON: ${message}`,
    );
  });

  // JSON.parse is the oracle for the scanner that locates errors: on thousands of small
  // corruptions of valid files, both must agree on whether the text is JSON.
  it('locates syntax errors exactly where JSON.parse fails (agreement on corruptions)', () => {
    const texts = [...valid, ...validOpenApi]
      .map(([, b]) => b.toString('utf8').replace(/^\uFEFF/, ''))
      .filter((t) => t.length < 20_000);
    const edits = ['', ',', '}', ']', '"', ':', '\\', 'x', '0', '-', '.', 'e', ' ', '\n', '{', '['];
    let compared = 0;
    let broken = 0;
    const disagreements: string[] = [];
    for (const t of texts) {
      for (let k = 0; k < 40; k++) {
        const at = Math.floor((((k * 7919 + t.length * 31) % 9973) / 9973) * t.length);
        const e = edits[(k + at) % edits.length]!;
        const mutated =
          k % 2 === 0 ? t.slice(0, at) + e + t.slice(at + 1) : t.slice(0, at) + e + t.slice(at);
        let ok = true;
        try {
          JSON.parse(mutated);
        } catch {
          ok = false;
        }
        if (!ok) broken++;
        compared++;
        if (ok !== (findJsonSyntaxError(mutated) === undefined) && disagreements.length < 5)
          disagreements.push(JSON.stringify(mutated.slice(Math.max(0, at - 20), at + 20)));
      }
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
    expect(broken).toBeGreaterThan(compared / 4);
  });
});

describe('hostile documents', () => {
  it('treats __proto__, constructor and hasOwnProperty as plain names, never touching prototypes', () => {
    const text =
      '[{"httpRequest": {"headers": {"__proto__": ["a"], "constructor": ["b"], "hasOwnProperty": ["c"]}}, "httpResponse": {"statusCode": 200, "body": {"__proto__": {"isAdmin": true}}}}]';
    const v = validateExpectationsText(text);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // The document keeps the keys as data, and writes them back out unchanged.
    expect(JSON.parse(v.json)[0].httpRequest.headers).toEqual(
      JSON.parse('{"__proto__": ["a"], "constructor": ["b"], "hasOwnProperty": ["c"]}'),
    );
    expect(v.json).toContain('"__proto__":{"isAdmin":true}');
  });

  it.each(['__proto__', 'constructor', 'hasOwnProperty', 'toString'])(
    'refuses %s as an expectation key with a clear message (no crash)',
    (key) => {
      const text = `[{"${key}": 1, "httpResponse": {"statusCode": 200}}]`;
      expect(() => validateExpectationsText(text, 'x.json')).toThrow(
        `x.json: $[0].${key}: got 1, is not allowed here`,
      );
    },
  );

  it(`accepts nesting of ${MAX_JSON_DEPTH} levels and refuses one more, without a stack overflow`, () => {
    const nested = (levels: number) =>
      `[{"httpResponse": {"statusCode": 200, "body": ${'['.repeat(levels - 3)}1${']'.repeat(levels - 3)}}}]`;
    expect(() => validateExpectationsText(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => validateExpectationsText(nested(MAX_JSON_DEPTH + 1))).toThrow(
      `must nest at most ${MAX_JSON_DEPTH} levels deep`,
    );
    // Far deeper than any stack: still a clear error.
    expect(() => validateExpectationsText(nested(200_000))).toThrow(ConfigValidationError);
  });

  it('refuses a document over the size limit, naming its size and the limit', () => {
    const big = [{ httpResponse: { statusCode: 200, body: 'x'.repeat(EXPECTATIONS_MAX_BYTES) } }];
    expect(() => validateExpectationsValue(big, 'big.json')).toThrow(
      new RegExp(
        `big.json: got "${EXPECTATIONS_MAX_BYTES + 47} bytes \\(compact JSON\\)", must be at most ${EXPECTATIONS_MAX_BYTES} bytes`,
      ),
    );
    expect(() =>
      validateExpectationsValue(big, 'big.json', { maxBytes: 2 * EXPECTATIONS_MAX_BYTES }),
    ).not.toThrow();
  });

  it('measures the size of the compact document, not of the file (indentation is free)', () => {
    const items = [{ httpResponse: { statusCode: 200, body: 'x'.repeat(1000) } }];
    const pretty = JSON.stringify(items, null, 40);
    expect(pretty.length).toBeGreaterThan(1100);
    expect(validateExpectationsText(pretty, 'p.json', { maxBytes: 1100 }).bytes).toBeLessThan(1100);
  });
});
