import { cidrContains, cidrSubnet, cidrsOverlap, parseCidr } from './cidr';

describe('cidr', () => {
  it('computes subnets like terraform cidrsubnet()', () => {
    expect(cidrSubnet('10.0.0.0/16', 4, 0)).toBe('10.0.0.0/20');
    expect(cidrSubnet('10.0.0.0/16', 4, 3)).toBe('10.0.48.0/20');
    expect(cidrSubnet('10.20.0.0/16', 8, 255)).toBe('10.20.255.0/24');
    expect(() => cidrSubnet('10.0.0.0/16', 4, 16)).toThrow(/index 16 does not fit in 4 bits/);
  });

  it('parses, and rejects host bits and bad octets', () => {
    expect(parseCidr('10.0.0.0/16')).toEqual({ base: 0x0a000000, prefix: 16 });
    expect(parseCidr('10.0.0.1/16')).toBeUndefined();
    expect(parseCidr('256.0.0.0/8')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
  });

  it('knows containment and overlap', () => {
    const vpc = parseCidr('10.0.0.0/16')!;
    expect(cidrContains(vpc, parseCidr('10.0.4.0/24')!)).toBe(true);
    expect(cidrContains(vpc, parseCidr('10.1.0.0/24')!)).toBe(false);
    expect(cidrsOverlap(parseCidr('10.0.0.0/20')!, parseCidr('10.0.15.0/24')!)).toBe(true);
    expect(cidrsOverlap(parseCidr('10.0.0.0/20')!, parseCidr('10.0.16.0/24')!)).toBe(false);
  });
});
