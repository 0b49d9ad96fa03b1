import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateExpectationsText } from '@automock/core';
import { runCommand } from '@oclif/test';
import { PKG_ROOT } from '../testing/harness';

const PETSTORE = {
  openapi: '3.0.3',
  info: { title: 'Petstore', version: '1.0.0' },
  paths: {
    '/pets': {
      get: {
        operationId: 'listPets',
        responses: { '200': { description: 'pets' }, default: { description: 'error' } },
      },
      post: { operationId: 'createPets', responses: { '201': { description: 'made' } } },
    },
    '/pets/{petId}': {
      parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: 'showPetById',
        responses: { '404': { description: 'none' }, '200': { description: 'a pet' } },
      },
    },
  },
};

const PETSTORE_YAML = `openapi: "3.0.3"
info:
  title: Petstore
  version: "1.0.0"
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: pets
`;

describe('automock init', () => {
  let dir: string;
  let cwd: string;
  beforeEach(() => {
    cwd = process.cwd();
    dir = mkdtempSync(join(tmpdir(), 'automock-init-'));
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
    process.exitCode = undefined;
  });
  const run = (args: string[]) => runCommand(['init', '--no-menu', ...args], { root: PKG_ROOT });
  const written = (file = 'expectations.json') => readFileSync(join(dir, file), 'utf8');

  it('writes the basic template, valid as deploy validates it, and says how to deploy it', async () => {
    const { stdout, error } = await run([]);
    expect(error).toBeUndefined();
    const v = validateExpectationsText(written());
    expect(v.count).toBe(3);
    expect(JSON.parse(written()).map((e: { id: string }) => e.id)).toEqual([
      'health',
      'get-item',
      'not-found',
    ]);
    expect(stdout).toMatch(/^Wrote expectations\.json \(template basic, 3 expectations\)\.$/m);
    expect(stdout).toMatch(
      /automock deploy --env <env> --project <project> --expectations expectations\.json/,
    );
    expect(stdout).toMatch(/automock local --expectations expectations\.json/);
  });

  it('writes the crud template where --output says, and returns what it wrote as JSON', async () => {
    const { stdout } = await run(['--template', 'crud', '--output', 'mocks.json', '--json']);
    expect(JSON.parse(stdout)).toEqual({
      file: 'mocks.json',
      source: 'template crud',
      expectations: 6,
    });
    const methods = JSON.parse(written('mocks.json')).map(
      (e: { httpRequest: { method?: string } }) => e.httpRequest.method,
    );
    expect(methods).toEqual(['GET', 'GET', 'POST', 'PUT', 'DELETE', undefined]);
  });

  it('refuses to overwrite a file without --force (exit 2, file untouched), and overwrites with it', async () => {
    writeFileSync(join(dir, 'expectations.json'), 'keep me');
    const refused = await run([]);
    expect(refused.error?.oclif?.exit).toBe(2);
    expect(refused.error?.message).toMatch(
      /expectations\.json already exists; nothing was written/,
    );
    expect(written()).toBe('keep me');
    const forced = await run(['--force']);
    expect(forced.error).toBeUndefined();
    expect(validateExpectationsText(written()).count).toBe(3);
    // Written through a temporary file and a rename: nothing else is left behind.
    expect(readdirSync(dir)).toEqual(['expectations.json']);
  });

  it("turns an OpenAPI document into MockServer's OpenAPI expectation, each operation mapped to its 2xx", async () => {
    writeFileSync(join(dir, 'petstore.json'), JSON.stringify(PETSTORE));
    const { stdout, error } = await run(['--from-openapi', 'petstore.json']);
    expect(error).toBeUndefined();
    const doc = JSON.parse(written());
    expect(doc).toEqual([
      {
        specUrlOrPayload: PETSTORE,
        operationsAndResponses: { listPets: '200', createPets: '201', showPetById: '200' },
      },
    ]);
    expect(validateExpectationsText(written()).count).toBe(1);
    expect(stdout).toMatch(/OpenAPI 3\.0\.3, 3 operations:/);
    expect(stdout).toMatch(/^ {2}GET \/pets\/\{petId\} \(showPetById\) -> 200$/m);
  });

  it('reads YAML documents too, embedding them as JSON', async () => {
    writeFileSync(join(dir, 'petstore.yaml'), PETSTORE_YAML);
    await run(['--from-openapi', 'petstore.yaml']);
    const [item] = JSON.parse(written());
    expect(item.specUrlOrPayload.paths['/pets'].get.operationId).toBe('listPets');
    expect(item.operationsAndResponses).toEqual({ listPets: '200' });
  });

  it('leaves the operation map out when an operation has no operationId (MockServer mocks them all)', async () => {
    const doc = structuredClone(PETSTORE) as any;
    delete doc.paths['/pets'].post.operationId;
    writeFileSync(join(dir, 'petstore.json'), JSON.stringify(doc));
    const { stdout } = await run(['--from-openapi', 'petstore.json']);
    expect(JSON.parse(written())).toEqual([{ specUrlOrPayload: doc }]);
    expect(stdout).toMatch(/MockServer mocks every operation with its first response/);
  });

  it('keeps a URL as a URL', async () => {
    await run(['--from-openapi', 'https://example.com/openapi.json']);
    expect(JSON.parse(written())).toEqual([
      { specUrlOrPayload: 'https://example.com/openapi.json' },
    ]);
  });

  it('refuses what is not an OpenAPI document, naming the field, and writes nothing', async () => {
    writeFileSync(join(dir, 'not-openapi.json'), JSON.stringify({ swagger: '1.2', paths: {} }));
    const { error } = await run(['--from-openapi', 'not-openapi.json']);
    expect(error?.oclif?.exit).toBe(2);
    expect(error?.message).toMatch(
      /not-openapi\.json: \$\.openapi: got "1\.2", must be an OpenAPI 3\.x document/,
    );
    expect(existsSync(join(dir, 'expectations.json'))).toBe(false);
    const missing = await run(['--from-openapi', 'nope.yaml']);
    expect(missing.error?.oclif?.exit).toBe(2);
    expect(missing.error?.message).toMatch(
      /--from-openapi: got "\S*nope\.yaml", must be a readable file/,
    );
  });

  it("refuses a document deploy would refuse (over the 256 KiB limit), with deploy's rule", async () => {
    const big = structuredClone(PETSTORE) as any;
    big.info.description = 'x'.repeat(300 * 1024);
    writeFileSync(join(dir, 'big.json'), JSON.stringify(big));
    const { error } = await run(['--from-openapi', 'big.json']);
    expect(error?.oclif?.exit).toBe(2);
    expect(error?.message).toMatch(
      /expectations\.json: got "\d+ bytes \(compact JSON\)", must be at most 262144 bytes/,
    );
    expect(existsSync(join(dir, 'expectations.json'))).toBe(false);
  });

  it('takes --template or --from-openapi, not both (exit 2)', async () => {
    const { error } = await run(['--template', 'crud', '--from-openapi', 'x.json']);
    expect(error?.oclif?.exit).toBe(2);
    expect(error?.message).toMatch(
      /--from-openapi=x\.json cannot also be provided when using --template/,
    );
  });
});
