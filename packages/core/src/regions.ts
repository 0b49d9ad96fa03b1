/**
 * AWS regions, by partition, as the AWS SDK's endpoint rules list them (`@aws-sdk/core`'s
 * partitions data; `regions.test.ts` keeps the two in step). AutoMock deploys to the commercial
 * partition (`aws`) only: its IAM policies, ARNs and service principals are written for it.
 * Regions of the other partitions (China, GovCloud, the European Sovereign Cloud, the isolated
 * ones) are recognised and refused with a message that says so, rather than reported as unknown.
 */

/** Commercial regions (partition `aws`). */
export const AWS_COMMERCIAL_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'sa-west-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/** Regions of the other partitions, which AutoMock refuses by name. */
export const AWS_OTHER_PARTITION_REGIONS: Readonly<Record<string, readonly string[]>> = {
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-eusc': ['eusc-de-east-1'],
  'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
  'aws-iso-b': ['us-isob-east-1', 'us-isob-west-1'],
  'aws-iso-e': ['eu-isoe-west-1'],
  'aws-iso-f': ['us-isof-east-1', 'us-isof-south-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

/**
 * Why `region` cannot be used, or undefined when it is a region of `partition`: by default the
 * commercial one, the only one AutoMock deploys to; constructs that take a `partition` (ARNs of
 * another partition) check against that partition's regions.
 */
export function regionProblem(region: unknown, partition = 'aws'): string | undefined {
  if (partition !== 'aws') {
    const regions = AWS_OTHER_PARTITION_REGIONS[partition];
    if (regions === undefined)
      return `must be a region of partition ${partition}, which the AWS SDK does not list (partitions: aws, ${Object.keys(AWS_OTHER_PARTITION_REGIONS).join(', ')})`;
    if (typeof region === 'string' && regions.includes(region)) return undefined;
    return `must be a region of partition ${partition}, one of ${regions.join(', ')}`;
  }
  if (typeof region === 'string' && AWS_COMMERCIAL_REGIONS.includes(region)) return undefined;
  for (const [partition, regions] of Object.entries(AWS_OTHER_PARTITION_REGIONS)) {
    if (typeof region === 'string' && regions.includes(region))
      return `must be a region of the commercial partition: ${region} is in partition ${partition}, which AutoMock does not deploy to (its ARNs, IAM policies and service principals are written for partition aws)`;
  }
  return `must be an AWS commercial region, one of ${AWS_COMMERCIAL_REGIONS.join(', ')}`;
}
