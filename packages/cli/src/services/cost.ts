import { ConfigValidationError, estimateStackCost, StackCost } from '@automock/core';

export { estimateStackCost, USAGE_ASSUMPTIONS } from '@automock/core';
export type { CostLine, StackCost } from '@automock/core';

/** Where a stack's prices come from, for output headers. */
export function priceSource(cost: Pick<StackCost, 'region' | 'pricesAsOf'>): string {
  return `${cost.region} on-demand list prices as of ${cost.pricesAsOf}`;
}

/** What `automock deploy` shows as its estimate: the cost, or why there is none. */
export type DeployEstimate =
  | { readonly cost: StackCost; readonly unpriced?: undefined }
  | { readonly cost?: undefined; readonly unpriced: string };

/**
 * The estimate `automock deploy` prints (`region`: the stack's, for a stack whose provider names
 * none). A region without a price table leaves the estimate out with the reason (the deployment
 * itself does not depend on prices); `automock cost` refuses it.
 */
export function deployEstimate(stack: string, json: string, region: string): DeployEstimate {
  try {
    return { cost: estimateStackCost(stack, json, { region }) };
  } catch (e) {
    if (e instanceof ConfigValidationError) return { unpriced: e.issues[0]!.rule };
    throw e;
  }
}

/** `$1.23`, or more digits for small amounts. */
export function money(n: number): string {
  return n >= 100
    ? `$${n.toFixed(0)}`
    : n >= 1
      ? `$${n.toFixed(2)}`
      : `$${n.toFixed(n === 0 ? 2 : 3)}`;
}
