import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigValidationError, validateExpectationsBytes } from '@automock/core';
import { CliError, EXIT } from '../errors';

/** Starting points for a new expectations file. */
export const EXPECTATION_TEMPLATES = ['basic', 'crud'] as const;
export type ExpectationTemplate = (typeof EXPECTATION_TEMPLATES)[number];

/** The file `automock init` writes unless told otherwise. */
export const DEFAULT_EXPECTATIONS_FILE = 'expectations.json';

const json = { 'content-type': ['application/json'] };

/**
 * The templates: plain MockServer expectations (request matcher, response, `id`; a catch-all 404
 * at priority -10, below every other expectation, so unmatched calls get JSON rather than
 * MockServer's empty 404).
 */
const TEMPLATES: Readonly<Record<ExpectationTemplate, () => unknown[]>> = {
  basic: () => [
    {
      id: 'health',
      httpRequest: { method: 'GET', path: '/health' },
      httpResponse: { statusCode: 200, headers: json, body: { status: 'ok' } },
    },
    {
      id: 'get-item',
      httpRequest: {
        method: 'GET',
        path: '/items/{id}',
        pathParameters: { id: ['[0-9]+'] },
      },
      httpResponse: { statusCode: 200, headers: json, body: { id: 1, name: 'example item' } },
    },
    notFound(),
  ],
  crud: () => [
    {
      id: 'list-items',
      httpRequest: { method: 'GET', path: '/items' },
      httpResponse: {
        statusCode: 200,
        headers: json,
        body: [
          { id: 1, name: 'first item' },
          { id: 2, name: 'second item' },
        ],
      },
    },
    {
      id: 'get-item',
      httpRequest: { method: 'GET', path: '/items/{id}', pathParameters: { id: ['[0-9]+'] } },
      httpResponse: { statusCode: 200, headers: json, body: { id: 1, name: 'first item' } },
    },
    {
      id: 'create-item',
      httpRequest: { method: 'POST', path: '/items' },
      httpResponse: {
        statusCode: 201,
        headers: { ...json, location: ['/items/3'] },
        body: { id: 3, name: 'new item' },
      },
    },
    {
      id: 'update-item',
      httpRequest: { method: 'PUT', path: '/items/{id}', pathParameters: { id: ['[0-9]+'] } },
      httpResponse: { statusCode: 200, headers: json, body: { id: 1, name: 'updated item' } },
    },
    {
      id: 'delete-item',
      httpRequest: { method: 'DELETE', path: '/items/{id}', pathParameters: { id: ['[0-9]+'] } },
      httpResponse: { statusCode: 204 },
    },
    notFound(),
  ],
};

function notFound() {
  return {
    id: 'not-found',
    priority: -10,
    httpRequest: { path: '/.*' },
    httpResponse: { statusCode: 404, headers: json, body: { error: 'no expectation matches' } },
  };
}

/** HTTP methods that are operations in an OpenAPI (3.x) or Swagger (2.0) path item. */
const OPERATION_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** What an OpenAPI document offers to mock. */
export interface OpenApiSummary {
  /** `openapi` (3.x) or `swagger` (2.0) version. */
  readonly version: string;
  /** Every operation, with the response MockServer is told to return for it. */
  readonly operations: readonly {
    readonly method: string;
    readonly path: string;
    readonly operationId?: string;
    /** The lowest 2xx response code, else the lowest code the operation declares. */
    readonly statusCode?: string;
  }[];
}

/**
 * Reads an OpenAPI or Swagger document (JSON or YAML) and lists its operations.
 *
 * @throws ConfigValidationError naming the file and what is wrong.
 */
export function readOpenApi(file: string): {
  doc: Record<string, unknown>;
  summary: OpenApiSummary;
} {
  const problem = (field: string, value: unknown, rule: string): never => {
    throw new ConfigValidationError(`OpenAPI document ${file}`, [{ field, value, rule }]);
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return problem('--from-openapi', file, `must be a readable file (${(e as Error).message})`);
  }
  let doc: unknown;
  try {
    // YAML 1.2 is a superset of JSON: one parser reads both.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parse } = require('yaml') as typeof import('yaml');
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    return problem(file, undefined, `must be JSON or YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return problem(`${file}: $`, doc, 'must be an OpenAPI document (an object)');
  const d = doc as Record<string, unknown>;
  const version =
    typeof d.openapi === 'string'
      ? d.openapi
      : typeof d.swagger === 'string'
        ? d.swagger
        : undefined;
  if (version === undefined || !/^(3\.|2\.0)/.test(version))
    problem(
      `${file}: $.openapi`,
      d.openapi ?? d.swagger,
      'must be an OpenAPI 3.x document (openapi: "3.…") or Swagger 2.0 (swagger: "2.0")',
    );
  const paths = d.paths;
  if (typeof paths !== 'object' || paths === null || Array.isArray(paths))
    problem(`${file}: $.paths`, paths, 'must be an object of path items');
  const operations: OpenApiSummary['operations'][number][] = [];
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (typeof item !== 'object' || item === null) continue;
    for (const method of OPERATION_METHODS) {
      const op = (item as Record<string, unknown>)[method];
      if (typeof op !== 'object' || op === null) continue;
      const o = op as Record<string, unknown>;
      const codes = Object.keys((o.responses as Record<string, unknown> | undefined) ?? {})
        .filter((c) => /^[1-5][0-9][0-9]$/.test(c))
        .sort();
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: typeof o.operationId === 'string' ? o.operationId : undefined,
        statusCode: codes.find((c) => c.startsWith('2')) ?? codes[0],
      });
    }
  }
  if (operations.length === 0)
    problem(
      `${file}: $.paths`,
      Object.keys(paths as object),
      'must declare at least one operation',
    );
  return { doc: d, summary: { version: version!, operations } };
}

/** What to scaffold. */
export type InitSource =
  | { readonly kind: 'template'; readonly template: ExpectationTemplate }
  | { readonly kind: 'openapi'; readonly file: string }
  | { readonly kind: 'openapi-url'; readonly url: string };

/** The expectations `init` would write, before anything is written. */
export interface ScaffoldResult {
  /** The document, validated as deploy validates it. */
  readonly text: string;
  /** Expectation items in the file. */
  readonly count: number;
  /** For an OpenAPI source: its operations and which ones are mocked with which status. */
  readonly openApi?: OpenApiSummary & { readonly mapped: boolean };
}

/**
 * Builds an expectations document from a template or an OpenAPI document and validates it with
 * core's validator (what `deploy` runs on the file), under the name it will be written as.
 *
 * OpenAPI documents become one MockServer OpenAPI expectation (`specUrlOrPayload`, embedded: a
 * deployed mock cannot read the developer's file) with `operationsAndResponses` naming each
 * operation's 2xx response, when every operation has an `operationId`; otherwise MockServer
 * mocks every operation itself. A URL is kept as a URL: the mock fetches it when it starts.
 */
export function scaffoldExpectations(source: InitSource, output: string): ScaffoldResult {
  let items: unknown[];
  let openApi: ScaffoldResult['openApi'];
  if (source.kind === 'template') {
    items = TEMPLATES[source.template]();
  } else if (source.kind === 'openapi-url') {
    items = [{ specUrlOrPayload: source.url }];
  } else {
    const { doc, summary } = readOpenApi(source.file);
    const mapped = summary.operations.every((o) => o.operationId && o.statusCode);
    const operationsAndResponses = mapped
      ? Object.fromEntries(summary.operations.map((o) => [o.operationId!, o.statusCode!]))
      : undefined;
    items = [
      { specUrlOrPayload: doc, ...(operationsAndResponses ? { operationsAndResponses } : {}) },
    ];
    openApi = { ...summary, mapped };
  }
  const text = `${JSON.stringify(items, null, 2)}\n`;
  const validated = validateExpectationsBytes(Buffer.from(text, 'utf8'), basename(output));
  return { text, count: validated.count, ...(openApi ? { openApi } : {}) };
}

/**
 * Writes `text` to `file` whole or not at all (a temporary file beside it, then a rename), and
 * refuses to replace an existing file unless `force`.
 */
export function writeExpectationsFile(file: string, text: string, force: boolean): void {
  if (existsSync(file) && !force)
    throw new CliError(
      `${file} already exists; nothing was written`,
      [`Pass --force to overwrite it, or --output to write elsewhere`],
      EXIT.usage,
    );
  if (!existsSync(dirname(file)))
    throw new CliError(
      `--output: got "${file}", its directory ${dirname(file)} does not exist`,
      [],
      EXIT.usage,
    );
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}
