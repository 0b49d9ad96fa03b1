import {
  ApiGatewayV2Client,
  DeleteApiCommand,
  DeleteApiMappingCommand,
  DeleteDomainNameCommand,
  DeleteVpcLinkCommand,
  GetApiMappingsCommand,
  NotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-apigatewayv2';
import {
  CognitoIdentityProviderClient,
  ConcurrentModificationException,
  DeleteUserPoolCommand,
  ResourceNotFoundException,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { S3Client } from '@aws-sdk/client-s3';
import {
  EMULATOR_CREDENTIALS as CREDENTIALS,
  EMULATOR_REGION as REGION,
} from '@automock/test-support/emulators';
import {
  type FakeAws,
  type FakeResource,
  fakeAws,
  instantClock,
  mockedServiceClients,
} from '@automock/test-support/fake-aws';
import { mockClient } from 'aws-sdk-client-mock';
import { classify, SWEEP_ORDER, sweepProject } from './sweep';

// Issue 14 C and H: a workload's Cognito user pool (hosted UI domains, deletion protection) and
// its HTTP API (custom domain with API mappings, the API, its VPC link), found by their tags.
const ENV = 'dev';
const WORKLOAD = 'shop';
const A = '123456789012';
const R = 'us-east-1';
const BOTH = { 'automock:env': ENV, 'automock:project': WORKLOAD };
const POOL_ID = `${R}_AbC123xyz`;
const ARNS = {
  pool: `arn:aws:cognito-idp:${R}:${A}:userpool/${POOL_ID}`,
  api: `arn:aws:apigateway:${R}::/apis/a1b2c3d4e5`,
  vpcLink: `arn:aws:apigateway:${R}::/vpclinks/vl0abc1`,
  domain: `arn:aws:apigateway:${R}::/domainnames/api.shop.example.com`,
};
const STAGE = `arn:aws:apigateway:${R}::/apis/a1b2c3d4e5/stages/$default`;

let fake: FakeAws | undefined;
let restore: (() => void)[] = [];
afterEach(() => {
  fake?.restore();
  for (const r of restore) r();
  restore = [];
});

interface PoolState {
  domain?: string;
  customDomain?: string;
  protection?: 'ACTIVE' | 'INACTIVE';
  /** DeleteUserPoolDomain is refused once with ConcurrentModificationException. */
  domainBusyOnce?: boolean;
  /** The domain is already gone: DeleteUserPoolDomain answers ResourceNotFoundException. */
  domainGone?: boolean;
}

function setup(
  resources: FakeResource[],
  opts: {
    pool?: PoolState;
    apiThrottledOnce?: boolean;
    vpcLinkGone?: boolean;
    mappingGone?: boolean;
    withoutClients?: boolean;
  } = {},
) {
  const cognitoClient = new CognitoIdentityProviderClient({
    region: REGION,
    credentials: CREDENTIALS,
  });
  const apiClient = new ApiGatewayV2Client({ region: REGION, credentials: CREDENTIALS });
  const clients = {
    ...mockedServiceClients(),
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS }),
    ...(opts.withoutClients ? {} : { cognito: cognitoClient, apigatewayv2: apiClient }),
  };
  fake = fakeAws(clients, resources, { ignoreTagFilters: true });
  const calls: string[] = [];
  const cognito = mockClient(cognitoClient);
  const api = mockClient(apiClient);
  restore = [() => cognito.restore(), () => api.restore()];

  const pool = { ...opts.pool };
  cognito.on(DescribeUserPoolCommand).callsFake((i) => {
    calls.push(`DescribeUserPool ${i.UserPoolId}`);
    return {
      UserPool: {
        Id: i.UserPoolId,
        Domain: pool.domain,
        CustomDomain: pool.customDomain,
        DeletionProtection: pool.protection ?? 'INACTIVE',
      },
    };
  });
  cognito.on(DeleteUserPoolDomainCommand).callsFake((i) => {
    calls.push(`DeleteUserPoolDomain ${i.UserPoolId} ${i.Domain}`);
    if (pool.domainBusyOnce) {
      pool.domainBusyOnce = false;
      throw new ConcurrentModificationException({ message: 'busy', $metadata: {} });
    }
    if (pool.domainGone) {
      pool.domain = undefined;
      throw new ResourceNotFoundException({ message: 'no such domain', $metadata: {} });
    }
    if (i.Domain === pool.domain) pool.domain = undefined;
    if (i.Domain === pool.customDomain) pool.customDomain = undefined;
    return {};
  });
  cognito.on(UpdateUserPoolCommand).callsFake((i) => {
    calls.push(`UpdateUserPool ${i.UserPoolId} ${JSON.stringify(i)}`);
    return {};
  });
  cognito.on(DeleteUserPoolCommand).callsFake((i) => {
    // What Cognito refuses: a pool with a domain, or with deletion protection on.
    if (pool.domain || pool.customDomain || pool.protection === 'ACTIVE')
      throw new Error(`refused: ${JSON.stringify(pool)}`);
    calls.push(`DeleteUserPool ${i.UserPoolId}`);
    return {};
  });

  // Two pages of API mappings on the custom domain.
  api
    .on(GetApiMappingsCommand)
    .callsFake((i) =>
      i.NextToken === 'p2'
        ? { Items: [{ ApiMappingId: 'map2', ApiId: 'other' }] }
        : { Items: [{ ApiMappingId: 'map1', ApiId: 'a1b2c3d4e5' }], NextToken: 'p2' },
    );
  api.on(DeleteApiMappingCommand).callsFake((i) => {
    calls.push(`DeleteApiMapping ${i.DomainName} ${i.ApiMappingId}`);
    if (opts.mappingGone) throw new NotFoundException({ message: 'gone', $metadata: {} });
    return {};
  });
  api
    .on(DeleteDomainNameCommand)
    .callsFake((i) => (calls.push(`DeleteDomainName ${i.DomainName}`), {}));
  let throttle = opts.apiThrottledOnce ?? false;
  api.on(DeleteApiCommand).callsFake((i) => {
    calls.push(`DeleteApi ${i.ApiId}`);
    if (throttle) {
      throttle = false;
      throw new TooManyRequestsException({ message: 'slow down', $metadata: {} });
    }
    return {};
  });
  api.on(DeleteVpcLinkCommand).callsFake((i) => {
    calls.push(`DeleteVpcLink ${i.VpcLinkId}`);
    if (opts.vpcLinkGone) throw new NotFoundException({ message: 'gone', $metadata: {} });
    return {};
  });
  const run = () =>
    sweepProject(clients, {
      accountId: A,
      namePrefix: 'automock',
      env: ENV,
      project: WORKLOAD,
      clock: instantClock(),
    });
  return { calls, run, fake: fake! };
}

describe('sweep: workload user pools and HTTP APIs', () => {
  it('classifies user pools, HTTP APIs, VPC links and custom domain names; an API’s stages go with it', () => {
    expect(classify(ARNS.pool)).toEqual({ arn: ARNS.pool, kind: 'cognito-user-pool', id: POOL_ID });
    expect(classify(ARNS.api)).toEqual({ arn: ARNS.api, kind: 'apigw-api', id: 'a1b2c3d4e5' });
    expect(classify(ARNS.vpcLink)).toEqual({
      arn: ARNS.vpcLink,
      kind: 'apigw-vpc-link',
      id: 'vl0abc1',
    });
    expect(classify(ARNS.domain)).toEqual({
      arn: ARNS.domain,
      kind: 'apigw-domain-name',
      id: 'api.shop.example.com',
    });
    expect(classify(STAGE)).toBeUndefined();
    // REST APIs (API Gateway v1) and identity pools are not AutoMock's.
    expect(classify(`arn:aws:apigateway:${R}::/restapis/abc`)).toBeUndefined();
    expect(classify(`arn:aws:cognito-identity:${R}:${A}:identitypool/${R}:x`)).toBeUndefined();
  });

  it('removes the HTTP API before the services it routes to, its VPC link before the network, the pool after the services', () => {
    const order = SWEEP_ORDER as readonly string[];
    const at = (k: string) => order.indexOf(k);
    expect(at('apigw-domain-name')).toBeLessThan(at('apigw-api'));
    expect(at('apigw-api')).toBeLessThan(at('apigw-vpc-link'));
    expect(at('apigw-api')).toBeLessThan(at('ecs-service'));
    expect(at('apigw-vpc-link')).toBeLessThan(at('security-group'));
    expect(at('apigw-vpc-link')).toBeLessThan(at('subnet'));
    expect(at('ecs-service')).toBeLessThan(at('cognito-user-pool'));
    expect(at('cognito-user-pool')).toBeLessThan(at('iam-role'));
  });

  it('user pool with deletion protection on: refused before its domains are touched, reported as a failure, never unprotected', async () => {
    const { calls, run } = setup([{ arn: ARNS.pool, tags: BOTH }], {
      pool: { domain: 'shop-auth', protection: 'ACTIVE' },
    });
    const r = await run();
    expect(r.deleted).toEqual([]);
    expect(r.failures).toEqual([
      expect.objectContaining({
        arn: ARNS.pool,
        error: expect.stringMatching(/deletion protection on: the sweep never turns it off/),
      }),
    ]);
    expect(calls).toEqual([`DescribeUserPool ${POOL_ID}`]);
  });

  it('user pool: both hosted UI domains, then the pool; retried while another change is in progress', async () => {
    const { calls, run } = setup([{ arn: ARNS.pool, tags: BOTH }], {
      pool: {
        domain: 'shop-auth',
        customDomain: 'auth.shop.example.com',
        domainBusyOnce: true,
      },
    });
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      `DescribeUserPool ${POOL_ID}`,
      `DeleteUserPoolDomain ${POOL_ID} shop-auth`,
      // ConcurrentModificationException: the whole delete again, from the pool's description.
      `DescribeUserPool ${POOL_ID}`,
      `DeleteUserPoolDomain ${POOL_ID} shop-auth`,
      `DeleteUserPoolDomain ${POOL_ID} auth.shop.example.com`,
      `DeleteUserPool ${POOL_ID}`,
    ]);
    expect(r.deleted).toEqual([ARNS.pool]);
  });

  it('user pool without a domain or protection: only described and deleted', async () => {
    const { calls, run } = setup([{ arn: ARNS.pool, tags: BOTH }]);
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([`DescribeUserPool ${POOL_ID}`, `DeleteUserPool ${POOL_ID}`]);
  });

  it('HTTP API: the domain’s API mappings (every page), the domain, the API (retried when throttled), then the VPC link (already gone counts)', async () => {
    const { calls, run } = setup(
      [...Object.values(ARNS).filter((a) => a !== ARNS.pool), STAGE].map((arn) => ({
        arn,
        tags: BOTH,
      })),
      { apiThrottledOnce: true, vpcLinkGone: true },
    );
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      'DeleteApiMapping api.shop.example.com map1',
      'DeleteApiMapping api.shop.example.com map2',
      'DeleteDomainName api.shop.example.com',
      'DeleteApi a1b2c3d4e5',
      'DeleteApi a1b2c3d4e5',
      'DeleteVpcLink vl0abc1',
    ]);
    expect([...r.deleted].sort()).toEqual([ARNS.api, ARNS.domain, ARNS.vpcLink].sort());
    expect(r.skipped).toEqual([
      { arn: STAGE, reason: 'part of another resource, deleted with it' },
    ]);
    expect(r.complete).toBe(true);
  });

  it('a part already gone (the pool’s domain, an API mapping) does not count the pool or the domain as deleted', async () => {
    const { calls, run } = setup(
      [ARNS.pool, ARNS.domain].map((arn) => ({ arn, tags: BOTH })),
      { pool: { domain: 'shop-auth', domainGone: true }, mappingGone: true },
    );
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      'DeleteApiMapping api.shop.example.com map1',
      'DeleteApiMapping api.shop.example.com map2',
      'DeleteDomainName api.shop.example.com',
      `DescribeUserPool ${POOL_ID}`,
      `DeleteUserPoolDomain ${POOL_ID} shop-auth`,
      `DeleteUserPool ${POOL_ID}`,
    ]);
  });

  it("the environment load balancer's rule admitting the VPC link is revoked before the link's security group goes", async () => {
    const rule = `arn:aws:ec2:${R}:${A}:security-group-rule/sgr-0abc`;
    const linkGroup = `arn:aws:ec2:${R}:${A}:security-group/sg-link`;
    const order = SWEEP_ORDER as readonly string[];
    expect(order.indexOf('apigw-vpc-link')).toBeLessThan(order.indexOf('security-group-rule'));
    expect(order.indexOf('security-group-rule')).toBeLessThan(order.indexOf('security-group'));
    expect(classify(rule)).toEqual({ arn: rule, kind: 'security-group-rule', id: 'sgr-0abc' });
    const { calls, run, fake } = setup(
      [ARNS.vpcLink, rule, linkGroup].map((arn) => ({ arn, tags: BOTH })),
    );
    const ec2 = fake.mocks.ec2;
    // The rule is on the environment's ALB group (sg-env-alb), which the sweep never deletes.
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake((i) =>
      i.SecurityGroupRuleIds
        ? {
            SecurityGroupRules: [
              { SecurityGroupRuleId: 'sgr-0abc', GroupId: 'sg-env-alb', IsEgress: false },
            ],
          }
        : { SecurityGroupRules: [] },
    );
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake((i) => {
      calls.push(`RevokeSecurityGroupIngress ${i.GroupId} ${i.SecurityGroupRuleIds?.join(',')}`);
      return {};
    });
    ec2.on(RevokeSecurityGroupEgressCommand).callsFake((i) => {
      calls.push(`RevokeSecurityGroupEgress ${i.GroupId}`);
      return {};
    });
    ec2.on(DeleteSecurityGroupCommand).callsFake((i) => {
      calls.push(`DeleteSecurityGroup ${i.GroupId}`);
      return {};
    });
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      'DeleteVpcLink vl0abc1',
      'RevokeSecurityGroupIngress sg-env-alb sgr-0abc',
      'DeleteSecurityGroup sg-link',
    ]);
  });

  it('a rule already gone (not listed any more) counts as revoked', async () => {
    const rule = `arn:aws:ec2:${R}:${A}:security-group-rule/sgr-0abc`;
    const { calls, run, fake } = setup([{ arn: rule, tags: BOTH }]);
    fake.mocks.ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(r.deleted).toEqual([rule]);
    expect(calls).toEqual([]);
  });

  it('never deletes one without both tags', async () => {
    const { calls, run } = setup(
      Object.values(ARNS).flatMap((arn, i): FakeResource[] => [
        { arn, tags: { 'automock:env': ENV } },
        { arn: `${arn}${i}`, tags: { 'automock:project': WORKLOAD } },
        { arn: `${arn}x${i}`, tags: { 'automock:env': 'prod', 'automock:project': WORKLOAD } },
      ]),
    );
    const r = await run();
    expect(calls).toEqual([]);
    expect(r.planned).toEqual([]);
  });

  it('without the clients, reports each as a failure naming the missing client, and deletes nothing else of it', async () => {
    const { calls, run } = setup(
      [ARNS.pool, ARNS.api].map((arn) => ({ arn, tags: BOTH })),
      { withoutClients: true },
    );
    const r = await run();
    expect(calls).toEqual([]);
    expect(r.failures.map((f) => [f.arn, f.error])).toEqual([
      [ARNS.api, 'Error: the sweep was given no API Gateway client'],
      [ARNS.pool, 'Error: the sweep was given no Cognito client'],
    ]);
    expect(r.complete).toBe(false);
  });
});
