import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { ConfigValidationError } from './errors';
import {
  findExpectationsProblem,
  validateExpectationsText,
  validateExpectationsValue,
} from './expectations';

// The conformance corpus lives in shared/ beside the repository root (also in CI).
const CORPUS = path.resolve(__dirname, '../../../../shared/mockserver');

function corpus(dir: string): [string, string][] {
  const d = path.join(CORPUS, dir);
  return fs
    .readdirSync(d)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(d, f), 'utf8')]);
}

const valid = corpus('valid');
const validOpenApi = corpus('valid-openapi');
const invalid = corpus('invalid');

describe('MockServer conformance corpus', () => {
  it('has the documented number of files', () => {
    expect([valid.length, validOpenApi.length, invalid.length]).toEqual([40, 3, 10]);
  });

  it.each([...valid, ...validOpenApi])('accepts valid %s', (name, text) => {
    expect(() => validateExpectationsText(text, name)).not.toThrow();
  });

  it.each(invalid)('rejects invalid %s, naming the file', (name, text) => {
    expect(() => validateExpectationsText(text, name)).toThrow(ConfigValidationError);
    expect(() => validateExpectationsText(text, name)).toThrow(name);
  });
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

  it('reports a JSON syntax error with its line', () => {
    const name = '01-not-json-unterminated-array.json';
    const text = invalid.find(([n]) => n === name)![1];
    expect(() => validateExpectationsText(text, name)).toThrow(/must be valid JSON/);
  });

  it('quotes keys that are not identifiers', () => {
    const p = findExpectationsProblem({
      httpRequest: { headers: { 'Content-Type': 5 } },
      httpResponse: {},
    });
    expect(p?.path).toBe('$.httpRequest.headers["Content-Type"]');
  });

  it('rejects two actions in one item (oneOf in 5.15.0)', () => {
    expect(findExpectationsProblem({ httpResponse: {}, httpError: {} })?.rule).toMatch(
      /exactly one action.*httpResponse and httpError/,
    );
  });

  it('rejects an unknown timeUnit and a non-integer remainingTimes', () => {
    expect(
      findExpectationsProblem({ httpResponse: {}, timeToLive: { timeUnit: 'WEEKS' } })?.path,
    ).toBe('$.timeToLive.timeUnit');
    expect(
      findExpectationsProblem({ httpResponse: {}, times: { remainingTimes: 1.5 } })?.path,
    ).toBe('$.times.remainingTimes');
  });

  it('accepts an empty array and normalises one object to an array', () => {
    expect(validateExpectationsText('[]').count).toBe(0);
    const v = validateExpectationsValue({ httpResponse: { statusCode: 204 } });
    expect(v.items).toHaveLength(1);
    expect(JSON.parse(v.json)).toEqual([{ httpResponse: { statusCode: 204 } }]);
    expect(v.hash).toMatch(/^[0-9a-f]{16}$/);
  });
});

// MockServer's own combined schema (5.15.0) as an oracle: mutate every valid document in many
// small ways and require the same verdict from both validators.
describe('agreement with MockServer schema (ajv oracle)', () => {
  const combined = JSON.parse(
    fs.readFileSync(path.join(CORPUS, 'schema/combined/expectation.combined.5.15.0.json'), 'utf8'),
  );
  // Ajv bundles the draft-07 meta-schema; point the refs at it instead of embedding a clash.
  delete combined.definitions['draft-07'];
  const text = JSON.stringify(combined).replace(
    /"#\/definitions\/draft-07"/g,
    '"http://json-schema.org/draft-07/schema#"',
  );
  const ajv = new Ajv({ strict: false, allErrors: false });
  const expectationSchema = ajv.compile(JSON.parse(text));
  const openApi = ajv.compile(
    JSON.parse(fs.readFileSync(path.join(CORPUS, 'schema/openAPIExpectation.json'), 'utf8')),
  );
  const oracle = (doc: unknown): boolean => {
    const items = Array.isArray(doc) ? doc : [doc];
    if (!Array.isArray(doc) && (typeof doc !== 'object' || doc === null)) return false;
    return items.every((it) =>
      typeof it === 'object' && it !== null && !Array.isArray(it) && 'specUrlOrPayload' in it
        ? openApi(it)
        : expectationSchema(it),
    );
  };

  // Values under these keys are JSON schemas or free-form payloads; the hand validator
  // deliberately leaves them to MockServer.
  const SKIP = new Set(['schema', 'jsonSchema', 'specUrlOrPayload', 'body', 'json']);
  const REPLACEMENTS: unknown[] = ['x', 7, 1.5, true, null, {}, [], ['x']];

  function* mutations(doc: unknown): Generator<unknown> {
    const clone = () => JSON.parse(JSON.stringify(doc));
    const walk = function* (
      node: unknown,
      trail: (string | number)[],
    ): Generator<(string | number)[]> {
      yield trail;
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) yield* walk(node[i], [...trail, i]);
      } else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (SKIP.has(k)) continue;
          yield* walk(v, [...trail, k]);
        }
      }
    };
    const set = (
      root: any,
      trail: (string | number)[],
      fn: (parent: any, key: string | number) => void,
    ) => {
      let cur = root;
      for (const k of trail.slice(0, -1)) cur = cur[k];
      fn(cur, trail[trail.length - 1]!);
      return root;
    };
    for (const trail of walk(doc, [])) {
      if (trail.length === 0) continue;
      for (const r of REPLACEMENTS) yield set(clone(), trail, (p, k) => (p[k] = r));
      yield set(clone(), trail, (p, k) =>
        Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k],
      );
    }
    // unknown keys on every object
    for (const trail of walk(doc, [])) {
      const root = clone();
      let cur: any = root;
      for (const k of trail) cur = cur[k];
      if (cur && typeof cur === 'object' && !Array.isArray(cur)) {
        cur.bogusKey = 1;
        yield root;
      }
    }
  }

  it('agrees on mutations of every valid document', () => {
    let compared = 0;
    let rejected = 0;
    const disagreements: string[] = [];
    for (const [name, text] of [...valid, ...validOpenApi]) {
      for (const m of mutations(JSON.parse(text))) {
        compared++;
        const mine = findExpectationsProblem(m) === undefined;
        const theirs = oracle(m);
        if (!theirs) rejected++;
        if (mine !== theirs && disagreements.length < 5) {
          disagreements.push(
            `${name}: ours=${mine} schema=${theirs}: ${JSON.stringify(m).slice(0, 300)}`,
          );
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
    // the oracle must really discriminate, or agreement would mean nothing
    expect(rejected).toBeGreaterThan(compared / 4);
    expect(rejected).toBeLessThan(compared);
  });
});
