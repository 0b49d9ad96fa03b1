import { ConfigValidationError } from './errors';

/** Hours in a billing month, as AWS's pricing pages count them. */
export const HOURS_PER_MONTH = 730;

/**
 * On-demand list prices of one region (USD). Every figure is a list price from the AWS pricing
 * page named in {@link RegionPrices.sources}; the unit is in the name.
 */
export interface PriceTable {
  readonly fargate: {
    /** Linux/x86, per vCPU per hour. */
    readonly vcpuHour: number;
    /** Linux/x86, per GB of memory per hour. */
    readonly gbHour: number;
  };
  readonly alb: {
    /** Per Application Load Balancer hour (or partial hour). */
    readonly hour: number;
    /** Per Load Balancer Capacity Unit hour. */
    readonly lcuHour: number;
  };
  readonly natGateway: {
    /** Per NAT gateway hour. */
    readonly hour: number;
    /** Per GB processed (on top of data transfer). */
    readonly gbProcessed: number;
  };
  /** Every public IPv4 address, attached or not (since February 2024). */
  readonly publicIpv4: { readonly hour: number };
  readonly cloudwatchLogs: {
    /** Per GB ingested (standard class, custom logs). */
    readonly ingestGb: number;
    /** Per GB-month archived. */
    readonly storageGbMonth: number;
  };
  readonly s3: {
    /** Standard storage, first 50 TB, per GB-month. */
    readonly storageGbMonth: number;
    /** PUT, COPY, POST, LIST per 1,000 requests. */
    readonly put1k: number;
    /** GET and others per 1,000 requests. */
    readonly get1k: number;
  };
  readonly dynamodbOnDemand: {
    /** Per million write request units. */
    readonly writeMillion: number;
    /** Per million read request units. */
    readonly readMillion: number;
    /** Per GB-month stored (after the first 25 GB free). */
    readonly storageGbMonth: number;
  };
  /** Per secret per month (prorated by hour); API calls negligible here. */
  readonly secretsManager: { readonly secretMonth: number };
  /** Per customer managed key per month; the first 20,000 requests a month are free. */
  readonly kms: { readonly keyMonth: number };
  readonly interfaceEndpoint: {
    /** Per endpoint per AZ per hour. */
    readonly azHour: number;
    /** Per GB processed (first PB). */
    readonly gbProcessed: number;
  };
  readonly dataTransfer: {
    /** Out of AWS to the internet, per GB, first 10 TB a month (the first 100 GB a month are free per account). */
    readonly internetOutGb: number;
  };
  // ---- issue 14 E: a workload's database and file systems
  /**
   * RDS for PostgreSQL on-demand Single-AZ instance hour, by class. A Multi-AZ instance bills its
   * standby too: twice the instance and its storage (RDS user guide, "On-Demand DB instances").
   * Classes missing here are not priced.
   */
  readonly rdsPostgresInstanceHour: Readonly<Record<string, number>>;
  readonly rdsStorage: {
    /** gp3 storage, per GB-month provisioned. */
    readonly gp3GbMonth: number;
  };
  /** EFS Regional (Multi-AZ) file systems. */
  readonly efs: {
    /** Standard storage class, per GB-month. */
    readonly standardGbMonth: number;
  };
  // ---- issue 14: a workload's public HTTP API
  /** API Gateway HTTP APIs (protocol HTTP; WebSocket and REST APIs are priced otherwise). */
  readonly apiGatewayHttp: {
    /** Per million requests, first 300 million a month ($0.90 per million beyond them). */
    readonly requestMillion: number;
  };
  /** SES outbound email (a workload's mail identity sends it). */
  readonly ses: {
    /** Per 1,000 emails sent. */
    readonly emails1k: number;
  };
  /** Cognito user pools, Essentials tier (AWS's default for a new pool). */
  readonly cognito: {
    /** Monthly active users free every month (not a 12-month free tier). */
    readonly freeMau: number;
    /** Per monthly active user beyond the free ones. */
    readonly mau: number;
  };
}

/** The AWS pricing page of each part of a {@link PriceTable}. */
export type PriceSources = { readonly [K in keyof PriceTable]: string };

/** A dated price table of one region, with where each figure comes from. */
export interface RegionPrices {
  /** AWS region code, e.g. `us-east-1`. */
  readonly region: string;
  /** Date (YYYY-MM-DD) the figures were last checked against the sources. */
  readonly asOf: string;
  readonly prices: PriceTable;
  /** AWS pricing page of each part of {@link prices}. */
  readonly sources: PriceSources;
}

/** AWS's pricing pages, one per part of the table; the region is chosen on the page. */
export const PRICE_SOURCES: PriceSources = {
  fargate: 'https://aws.amazon.com/fargate/pricing/',
  alb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  natGateway: 'https://aws.amazon.com/vpc/pricing/',
  publicIpv4: 'https://aws.amazon.com/vpc/pricing/',
  cloudwatchLogs: 'https://aws.amazon.com/cloudwatch/pricing/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  dynamodbOnDemand: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  interfaceEndpoint: 'https://aws.amazon.com/privatelink/pricing/',
  dataTransfer: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
  rdsPostgresInstanceHour: 'https://aws.amazon.com/rds/postgresql/pricing/',
  rdsStorage: 'https://aws.amazon.com/rds/postgresql/pricing/',
  efs: 'https://aws.amazon.com/efs/pricing/',
  apiGatewayHttp: 'https://aws.amazon.com/api-gateway/pricing/',
  ses: 'https://aws.amazon.com/ses/pricing/',
  cognito: 'https://aws.amazon.com/cognito/pricing/',
};

const US_EAST_1: PriceTable = {
  fargate: { vcpuHour: 0.04048, gbHour: 0.004445 },
  alb: { hour: 0.0225, lcuHour: 0.008 },
  natGateway: { hour: 0.045, gbProcessed: 0.045 },
  publicIpv4: { hour: 0.005 },
  cloudwatchLogs: { ingestGb: 0.5, storageGbMonth: 0.03 },
  s3: { storageGbMonth: 0.023, put1k: 0.005, get1k: 0.0004 },
  dynamodbOnDemand: { writeMillion: 0.625, readMillion: 0.125, storageGbMonth: 0.25 },
  secretsManager: { secretMonth: 0.4 },
  kms: { keyMonth: 1 },
  interfaceEndpoint: { azHour: 0.01, gbProcessed: 0.01 },
  dataTransfer: { internetOutGb: 0.09 },
  // Issue 14 E, checked 2026-12-01: the Graviton burstable classes workloads start on, and gp3.
  rdsPostgresInstanceHour: { 'db.t4g.micro': 0.016, 'db.t4g.small': 0.032, 'db.t4g.medium': 0.065 },
  rdsStorage: { gp3GbMonth: 0.115 },
  efs: { standardGbMonth: 0.3 },
  // Issue 14, checked 2026-12-02: HTTP API requests, the first 300 million a month (us-east-1 and
  // us-west-2 both list $1.00 per million; the free tier's first million is not subtracted).
  apiGatewayHttp: { requestMillion: 1 },
  // Issue 14: outbound email (the same in every SES region), and a user pool of the Essentials
  // tier, which new pools get unless they name another: 10,000 monthly active users free.
  ses: { emails1k: 0.1 },
  cognito: { freeMau: 10_000, mau: 0.015 },
};

/**
 * The price table of every region an environment of this repository (or a test fixture) prices.
 * A region missing here is refused by {@link pricesFor}, never priced with another region's
 * figures. Add one only with figures read from the sources, and date it.
 *
 * us-west-2 (Oregon) lists the same figures as us-east-1 for everything in the table; checked
 * against AWS Price List rows quoted in public repositories (`USW2-Fargate-vCPU-Hours:perCPU`,
 * `USW2-Fargate-GB-Hours`, `USW2-LoadBalancerUsage`, `USW2-NatGateway-Hours`/`-Bytes`,
 * `USW2-VpcEndpoint-Hours`/`-Bytes`, `USW2-DataProcessing-Bytes`, `USW2-TimedStorage-ByteHrs`).
 *
 * Other regions (eu-west-1 among them, used by synthesis tests) have no table yet: some of their
 * figures differ from us-east-1 (eu-west-1's load balancer hour, NAT gateway and interface
 * endpoints, for instance) and not all of them could be confirmed.
 */
export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': {
    region: 'us-east-1',
    asOf: '2025-06-01',
    prices: US_EAST_1,
    sources: PRICE_SOURCES,
  },
  'us-west-2': {
    region: 'us-west-2',
    asOf: '2026-10-06',
    prices: US_EAST_1,
    sources: PRICE_SOURCES,
  },
};

/** Regions {@link REGION_PRICES} has a table for, sorted. */
export function pricedRegions(): string[] {
  return Object.keys(REGION_PRICES).sort();
}

/**
 * The dated price table of `region`. A region without one is refused (a `ConfigValidationError`
 * naming `field`, the region and the regions that have one): an estimate is never made with
 * another region's prices.
 */
export function pricesFor(region: string, field = 'region'): RegionPrices {
  const table = Object.prototype.hasOwnProperty.call(REGION_PRICES, region)
    ? REGION_PRICES[region]
    : undefined;
  if (table) return table;
  throw new ConfigValidationError('price lookup', [
    {
      field,
      value: region,
      rule: `no price table for region ${region}; known: ${pricedRegions().join(', ')}`,
    },
  ]);
}

/** Region of the compatibility exports {@link PRICES} and {@link PRICES_AS_OF}. */
export const PRICES_REGION = 'us-east-1';

/** Date of the us-east-1 table. */
export const PRICES_AS_OF = REGION_PRICES[PRICES_REGION]!.asOf;

/** The us-east-1 table; code that knows its region uses {@link pricesFor}. */
export const PRICES: PriceTable = US_EAST_1;
