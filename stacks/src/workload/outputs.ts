import type { ResolvedOutput } from '@automock/core';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { resolveWorkloadString } from './references';
import type { WorkloadSectionBuilder } from './section-builder';

/**
 * `outputs`: the workload stack's Terraform outputs, named as written. Built last, so every
 * resource they name has been provided.
 */
export const outputsBuilder: WorkloadSectionBuilder<readonly ResolvedOutput[]> = {
  key: 'outputs',
  order: 100,
  build(resolved, ctx) {
    const scope = new Construct(ctx.scope, 'outputs');
    for (const o of resolved) {
      const out = new TerraformOutput(scope, o.name, {
        value: resolveWorkloadString(ctx, o.value),
        ...(o.description !== undefined ? { description: o.description } : {}),
      });
      // The name as written, not one derived from the construct path.
      out.overrideLogicalId(o.name);
    }
  },
};
