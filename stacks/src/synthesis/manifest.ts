import type { Manifest } from 'cdktf';

/**
 * cdktf's own `manifest.json` writer for `outdir`, as `new App()` makes it (cdktf's version, JSON
 * output), loaded without the rest of cdktf: a synthesis served wholly from the cache loads no
 * construct code. A deep import; synthesis.test.ts fails when cdktf moves or changes it.
 */
export function newManifest(outdir: string): Manifest {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Manifest: ManifestClass } = require('cdktf/lib/manifest') as {
    Manifest: new (version: string, outdir: string, hclOutput: boolean) => Manifest;
  };
  const { version } = require('cdktf/package.json') as { version: string };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new ManifestClass(version, outdir, false);
}
