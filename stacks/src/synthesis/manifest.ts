import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest, StackManifest } from 'cdktf';

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

/** Where {@link StagedManifest.write} finds and keeps manifest files it has seen cdktf write. */
export interface ManifestMemo {
  /** The text cdktf wrote for these entries, if known. */
  get(entries: readonly (readonly [string, StackManifest])[]): string | undefined;
  put(entries: readonly (readonly [string, StackManifest])[], text: string): void;
}

/**
 * The manifest of a streamed synthesis. cdktf's writer (whose JSON serialiser loads some 40
 * modules) is made only when a stack is built, or when `manifest.json` must be written for
 * entries never seen before: a synthesis served wholly from the cache writes the text cdktf
 * wrote for the same entries last time.
 */
export class StagedManifest {
  private real: Manifest | undefined;
  private readonly early: Record<string, StackManifest> = {};

  /**
   * @param create makes cdktf's writer for a directory ({@link newManifest}, from the module
   *   that builds the stacks, so that its stack synthesizer gets a Manifest of its own cdktf)
   */
  constructor(
    private readonly outdir: string,
    private readonly create: (outdir: string) => Manifest = newManifest,
  ) {
    mkdirSync(join(outdir, 'stacks'), { recursive: true });
  }

  /** Entries by stack name, in the order they were added. */
  get stacks(): Record<string, StackManifest> {
    return this.real?.stacks ?? this.early;
  }

  /** cdktf's Manifest holding every entry so far (for its stack synthesizer to add to). */
  cdktf(): Manifest {
    if (!this.real) {
      this.real = this.create(this.outdir);
      Object.assign(this.real.stacks, this.early);
    }
    return this.real;
  }

  /** Writes `manifest.json`: the remembered text for these entries, else cdktf's writer's. */
  write(memo?: ManifestMemo): void {
    const entries = Object.entries(this.stacks);
    const known = this.real ? undefined : memo?.get(entries);
    const file = join(this.outdir, 'manifest.json');
    if (known !== undefined) {
      writeFileSync(file, known);
      return;
    }
    this.cdktf().writeToFile();
    memo?.put(entries, readFileSync(file, 'utf8'));
  }
}
