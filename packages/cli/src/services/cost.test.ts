import { deployEstimate, priceSource } from './cost';

const stack = (region?: string) =>
  JSON.stringify({
    ...(region ? { provider: { aws: [{ region }] } } : {}),
    resource: { aws_kms_key: { k: {} } },
  });

describe('deployEstimate', () => {
  it("prices a stack in its provider's region, else in the region given", () => {
    const west = deployEstimate('prod-x', stack('us-west-2'), 'us-east-1');
    expect(west.cost?.region).toBe('us-west-2');
    expect(priceSource(west.cost!)).toMatch(
      /^us-west-2 on-demand list prices as of \d{4}-\d\d-\d\d$/,
    );
    expect(deployEstimate('t-x', stack(), 'us-east-1').cost?.region).toBe('us-east-1');
  });

  it('leaves the estimate out with the reason in a region without a price table', () => {
    expect(deployEstimate('far-x', stack('ap-southeast-7'), 'us-east-1')).toEqual({
      unpriced: 'no price table for region ap-southeast-7; known: us-east-1, us-west-2',
    });
  });
});
