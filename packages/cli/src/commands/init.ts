import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { runMenuIfInteractive } from '../services/menu';
import {
  DEFAULT_EXPECTATIONS_FILE,
  EXPECTATION_TEMPLATES,
  ExpectationTemplate,
  InitSource,
  scaffoldExpectations,
  writeExpectationsFile,
} from '../services/init';

/** What `init` wrote. */
export interface InitResult {
  readonly file: string;
  readonly source: string;
  readonly expectations: number;
  /** OpenAPI operations, and whether each is named in `operationsAndResponses`. */
  readonly operations?: readonly {
    readonly method: string;
    readonly path: string;
    readonly operationId?: string;
    readonly statusCode?: string;
  }[];
}

export default class Init extends AutomockCommand {
  static override summary =
    'Scaffold an expectations file from a template or an OpenAPI document, ready to deploy.';

  static override description = `Writes MockServer expectations: a template (basic: a health check, one resource and a JSON 404 for everything else; crud: list, get, create, update and delete of a resource), or MockServer's OpenAPI expectation form from an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML, embedded in the file; a URL is kept as a URL and fetched by the mock when it starts). The file is checked with the same validation deploy runs before it is written, and an existing file is never replaced without --force.

On a terminal, the interactive menu follows (deploy, update, status, extend, destroy, run locally).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --template crud --output mocks/user-api.json',
    '<%= config.bin %> <%= command.id %> --from-openapi openapi.yaml --output mocks/petstore.json',
    '<%= config.bin %> <%= command.id %> --from-openapi https://example.com/openapi.json --force',
  ];

  static exitCodes = exitCodes({
    [EXIT.usage]:
      'bad input: flags, an OpenAPI document that cannot be read or is not one, expectations that would not validate, or an existing file without --force',
  });

  static override enableJsonFlag = true;

  static override flags = {
    output: Flags.string({
      char: 'o',
      summary: 'File to write.',
      default: DEFAULT_EXPECTATIONS_FILE,
      helpValue: 'FILE',
    }),
    template: Flags.string({
      summary: 'Template to start from.',
      options: [...EXPECTATION_TEMPLATES],
      exclusive: ['from-openapi'],
    }),
    'from-openapi': Flags.string({
      summary: 'OpenAPI 3.x or Swagger 2.0 document (JSON or YAML file, or an http(s) URL).',
      helpValue: 'FILE|URL',
      exclusive: ['template'],
    }),
    force: Flags.boolean({ summary: 'Overwrite the output file if it exists.', default: false }),
    'no-menu': Flags.boolean({
      summary: 'Do not show the interactive menu afterwards.',
      default: false,
    }),
  };

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const from = flags['from-openapi'];
    const source: InitSource =
      from === undefined
        ? { kind: 'template', template: (flags.template ?? 'basic') as ExpectationTemplate }
        : /^https?:\/\//i.test(from)
          ? { kind: 'openapi-url', url: from }
          : { kind: 'openapi', file: resolve(from) };
    const scaffold = scaffoldExpectations(source, flags.output);
    writeExpectationsFile(flags.output, scaffold.text, flags.force);
    const result: InitResult = {
      file: flags.output,
      source: source.kind === 'template' ? `template ${source.template}` : (from as string),
      expectations: scaffold.count,
      ...(scaffold.openApi ? { operations: scaffold.openApi.operations } : {}),
    };
    if (this.jsonEnabled()) return result;

    this.log(`Wrote ${result.file} (${result.source}, ${describe(scaffold.count)}).`);
    const api = scaffold.openApi;
    if (api) {
      this.log(`OpenAPI ${api.version}, ${api.operations.length} operations:`);
      for (const o of api.operations)
        this.log(
          `  ${o.method} ${o.path}${o.operationId ? ` (${o.operationId})` : ''}${api.mapped ? ` -> ${o.statusCode}` : ''}`,
        );
      if (!api.mapped)
        this.log(
          '  Not every operation has an operationId and a response code: MockServer mocks every operation with its first response.',
        );
    } else if (source.kind === 'openapi-url') {
      this.log('The mock fetches the document when it starts: it must be reachable from AWS.');
    }
    this.log('');
    this.log(
      `Deploy it: automock deploy --env <env> --project <project> --expectations ${result.file}`,
    );
    this.log(`Try it locally: automock local --expectations ${result.file}`);
    if (!flags['no-menu']) {
      await runMenuIfInteractive(this.config, { expectations: result.file }, this);
    }
    return result;
  }
}

function describe(n: number): string {
  return `${n} expectation${n === 1 ? '' : 's'}`;
}
