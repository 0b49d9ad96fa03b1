/**
 * On-demand list prices in us-east-1 (USD), used by `automock cost` and `automock deploy` for
 * estimates. They are a snapshot: check the date before trusting a figure, and update the table
 * (and {@link PRICES_AS_OF}) when AWS changes a price. Other regions cost 0-30% more.
 */
export const PRICES_AS_OF = '2025-06-01';

/** Region the table applies to. */
export const PRICES_REGION = 'us-east-1';

/** Hours in a billing month, as AWS's pricing pages count them. */
export const HOURS_PER_MONTH = 730;

/** The price table. Every figure is USD; the unit is in the name. */
export const PRICES = {
  fargate: {
    /** Linux/x86, per vCPU per hour. */
    vcpuHour: 0.04048,
    /** Linux/x86, per GB of memory per hour. */
    gbHour: 0.004445,
  },
  fargateSpot: {
    /** Typical Spot price (about 70% off; it varies by hour and AZ). */
    vcpuHour: 0.01214,
    gbHour: 0.00133,
  },
  alb: {
    /** Per Application Load Balancer hour (or partial hour). */
    hour: 0.0225,
    /** Per Load Balancer Capacity Unit hour. */
    lcuHour: 0.008,
  },
  natGateway: {
    hour: 0.045,
    /** Per GB processed (on top of data transfer). */
    gbProcessed: 0.045,
  },
  /** Every public IPv4 address, attached or not (since February 2024). */
  publicIpv4: { hour: 0.005 },
  cloudwatchLogs: {
    /** Per GB ingested (standard class). */
    ingestGb: 0.5,
    /** Per GB-month archived. */
    storageGbMonth: 0.03,
  },
  s3: {
    /** Standard storage, first 50 TB, per GB-month. */
    storageGbMonth: 0.023,
    /** PUT, COPY, POST, LIST per 1,000 requests. */
    put1k: 0.005,
    /** GET and others per 1,000 requests. */
    get1k: 0.0004,
  },
  dynamodbOnDemand: {
    /** Per million write request units. */
    writeMillion: 0.625,
    /** Per million read request units. */
    readMillion: 0.125,
    /** Per GB-month stored (after the first 25 GB free). */
    storageGbMonth: 0.25,
  },
  /** Per secret per month (prorated by hour); API calls negligible here. */
  secretsManager: { secretMonth: 0.4 },
  /** Per customer managed key per month; the first 20,000 requests a month are free. */
  kms: { keyMonth: 1 },
  interfaceEndpoint: {
    /** Per endpoint per AZ per hour. */
    azHour: 0.01,
    /** Per GB processed (first PB). */
    gbProcessed: 0.01,
  },
} as const;

/** The shape of {@link PRICES}, for code that accepts another table (tests, other regions). */
export type PriceTable = typeof PRICES;
