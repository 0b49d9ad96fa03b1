import { join } from 'node:path';

/** Where the build writes its one-file bundle of `yaml` `version` (from `src` and from `dist`). */
export function vendoredYamlFile(version: string): string {
  return join(__dirname, '..', '..', 'dist', 'vendor', `yaml-${version}.js`);
}

let loaded: typeof import('yaml') | undefined;

/**
 * The `yaml` package, from the build's bundle of the installed version when there is one (one
 * module to load instead of some seventy), else the package itself. Loaded on first use, so
 * importing core never pays for it.
 */
export function yamlModule(): typeof import('yaml') {
  if (loaded) return loaded;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { version } = require('yaml/package.json') as { version: string };
  try {
    loaded = require(vendoredYamlFile(version)) as typeof import('yaml');
  } catch {
    // Not built (a test run from source before `pnpm build`).
    loaded = require('yaml') as typeof import('yaml');
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}
