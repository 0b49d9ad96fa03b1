import { standardTags, TAG_ENV } from '@automock/core';
import { asList } from '../model';
import { errorRule, PolicyRule, RuleViolation } from '../rule';

/** Tag keys every taggable resource carries (from core's standardTags). */
export const STANDARD_TAG_KEYS: readonly string[] = Object.keys(standardTags('env'));

export const TAG_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-TAG-1',
    `Every taggable resource has the standard tags (${STANDARD_TAG_KEYS.join(', ')}), on itself or from the provider's default_tags`,
    (stack, ctx) => {
      const out: RuleViolation[] = [];
      for (const r of stack.allResources().filter(ctx.isTaggable)) {
        const defaults: Record<string, unknown> = {};
        for (const d of asList(stack.providerFor(r)?.default_tags)) {
          Object.assign(defaults, (d.tags as Record<string, unknown>) ?? {});
        }
        const own = r.body.tags;
        if (own !== undefined && (typeof own !== 'object' || own === null)) {
          if (STANDARD_TAG_KEYS.every((k) => k in defaults)) continue;
          out.push({
            address: r.address,
            message: 'tags is an expression, so the standard tags cannot be verified',
          });
          continue;
        }
        const tags = { ...defaults, ...((own as Record<string, unknown>) ?? {}) };
        const missing = STANDARD_TAG_KEYS.filter((k) => !(k in tags));
        if (missing.length > 0) {
          out.push({
            address: r.address,
            message: `is missing tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
          });
        } else if (
          ctx.environment &&
          typeof tags[TAG_ENV] === 'string' &&
          tags[TAG_ENV] !== ctx.environment.name
        ) {
          out.push({
            address: r.address,
            message: `tag ${TAG_ENV} is ${JSON.stringify(tags[TAG_ENV])} in environment ${JSON.stringify(ctx.environment.name)}; teardown selects on it`,
          });
        }
      }
      return out;
    },
  ),
];
