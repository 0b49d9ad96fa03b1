import { ConfigValidationError } from './errors';
import { PRICES, PRICES_AS_OF, pricedRegions, pricesFor, REGION_PRICES } from './prices';

describe('price tables', () => {
  it('has a dated table with a source for every part, for every region listed', () => {
    for (const region of pricedRegions()) {
      const t = REGION_PRICES[region]!;
      expect(t.region).toBe(region);
      expect(t.asOf).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(Object.keys(t.sources).sort()).toEqual(Object.keys(t.prices).sort());
      for (const url of Object.values(t.sources))
        expect(url).toMatch(/^https:\/\/aws\.amazon\.com\//);
      for (const part of Object.values(t.prices))
        for (const price of Object.values(part)) expect(price).toBeGreaterThan(0);
    }
  });

  it('keeps the us-east-1 exports for callers that predate the regional tables', () => {
    expect(pricesFor('us-east-1')).toMatchObject({ prices: PRICES, asOf: PRICES_AS_OF });
  });

  it('refuses a region without a table, naming the field, the region and the known ones', () => {
    const lookup = () => pricesFor('eu-south-2', 'environments.milan.region');
    expect(lookup).toThrow(ConfigValidationError);
    expect(lookup).toThrow(
      'environments.milan.region: got "eu-south-2", no price table for region eu-south-2; known: us-east-1, us-west-2',
    );
    expect(() => pricesFor('toString')).toThrow(/no price table for region toString/);
  });
});
