import * as fs from 'node:fs';
import * as path from 'node:path';
import { AWS_COMMERCIAL_REGIONS, AWS_OTHER_PARTITION_REGIONS, regionProblem } from './regions';

// The AWS SDK's own partition data, as shipped in @aws-sdk/core (the file is
// `export const partitionsInfo = {...JSON...};`).
function sdkPartitions(): Record<string, string[]> {
  const client = require.resolve('@aws-sdk/core/client');
  const root = client.slice(0, client.lastIndexOf(`${path.sep}dist-cjs${path.sep}`));
  const file = path.join(root, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js');
  const text = fs.readFileSync(file, 'utf8');
  const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
  const info = JSON.parse(json) as {
    partitions: { id: string; regions: Record<string, unknown> }[];
  };
  return Object.fromEntries(
    info.partitions.map((p) => [
      p.id,
      // `aws-global`-style pseudo regions are endpoints, not places to deploy.
      Object.keys(p.regions)
        .filter((r) => !r.startsWith('aws-'))
        .sort(),
    ]),
  );
}

describe('AWS regions', () => {
  const sdk = sdkPartitions();

  it('lists exactly the commercial regions the AWS SDK knows', () => {
    expect([...AWS_COMMERCIAL_REGIONS].sort()).toEqual(sdk.aws);
  });

  it('lists exactly the regions of every other partition the AWS SDK knows', () => {
    const others = Object.fromEntries(Object.entries(sdk).filter(([id]) => id !== 'aws'));
    expect(
      Object.fromEntries(
        Object.entries(AWS_OTHER_PARTITION_REGIONS).map(([k, v]) => [k, [...v].sort()]),
      ),
    ).toEqual(others);
  });

  it('accepts a commercial region and refuses an invented one', () => {
    expect(regionProblem('eu-west-1')).toBeUndefined();
    expect(regionProblem('us-east-9')).toMatch(/^must be an AWS commercial region, one of /);
    expect(regionProblem('US-EAST-1')).toMatch(/commercial region/);
    expect(regionProblem(42)).toMatch(/commercial region/);
  });

  it('names the partition of a region AutoMock does not deploy to', () => {
    expect(regionProblem('cn-north-1')).toMatch(/cn-north-1 is in partition aws-cn/);
    expect(regionProblem('us-gov-west-1')).toMatch(/partition aws-us-gov/);
  });
});
