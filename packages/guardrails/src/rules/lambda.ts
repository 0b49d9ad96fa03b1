import { asList } from '../model';
import { errorRule, PolicyRule } from '../rule';
import { secretLookingNames } from './secrets';

/** Oldest Node.js major version a Lambda may run (the newest LTS runtimes Lambda supports). */
export const MIN_LAMBDA_NODE_MAJOR = 22;

const FUNCTION = 'aws_lambda_function';

export const LAMBDA_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-LAMBDA-1',
    `Lambda functions run a supported Node.js runtime (nodejs${MIN_LAMBDA_NODE_MAJOR}.x or newer)`,
    (stack) =>
      stack.resources(FUNCTION).flatMap((f) => {
        if (f.body.package_type === 'Image') return [];
        const runtime = f.body.runtime;
        const m = typeof runtime === 'string' ? /^nodejs(\d+)\.x$/.exec(runtime) : null;
        if (m && Number(m[1]) >= MIN_LAMBDA_NODE_MAJOR) return [];
        return [
          {
            address: f.address,
            message: `runtime ${JSON.stringify(runtime ?? null)} is not nodejs${MIN_LAMBDA_NODE_MAJOR}.x or newer`,
          },
        ];
      }),
  ),
  errorRule(
    'AM-LAMBDA-2',
    'Lambda environment variables have no secret-looking names (use Secrets Manager or SSM)',
    (stack) =>
      stack.resources(FUNCTION).flatMap((f) => {
        const names = asList(f.body.environment).flatMap((e) =>
          Object.keys((e.variables as Record<string, unknown>) ?? {}),
        );
        const bad = secretLookingNames(names);
        return bad.length === 0
          ? []
          : [
              {
                address: f.address,
                message: `plain environment variable${bad.length > 1 ? 's' : ''} ${bad.join(', ')} look${bad.length > 1 ? '' : 's'} like a secret`,
              },
            ];
      }),
  ),
];
