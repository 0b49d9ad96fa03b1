import {
  DeleteConfigurationSetCommand,
  DeleteEmailIdentityCommand,
  ListConfigurationSetsCommand,
  ListEmailIdentitiesCommand,
  ListTagsForResourceCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { S3Client } from '@aws-sdk/client-s3';
import {
  EMULATOR_CREDENTIALS as CREDENTIALS,
  EMULATOR_REGION as REGION,
} from '@automock/test-support/emulators';
import {
  type FakeAws,
  fakeAws,
  instantClock,
  mockedServiceClients,
} from '@automock/test-support/fake-aws';
import { mockClient } from 'aws-sdk-client-mock';
import { classify, SWEEP_ORDER, sweepProject } from './sweep';

// Issue 14 M: a workload's SES identities (its domain, its test addresses) and configuration set.
const ENV = 'dev';
const WORKLOAD = 'shop';
const A = '123456789012';
const BOTH = { 'automock:env': ENV, 'automock:project': WORKLOAD };
const arn = (rest: string) => `arn:aws:ses:${REGION}:${A}:${rest}`;

let fake: FakeAws | undefined;
let restore: (() => void) | undefined;
afterEach(() => {
  fake?.restore();
  restore?.();
});

/** SES holds `identities` and `sets`, each with its tags; the Tagging API lists nothing. */
function setup(
  identities: Record<string, Record<string, string>>,
  sets: Record<string, Record<string, string>>,
) {
  const clients = {
    ...mockedServiceClients(),
    s3: new S3Client({ region: REGION, credentials: CREDENTIALS }),
    sesv2: new SESv2Client({ region: REGION, credentials: CREDENTIALS }),
  };
  fake = fakeAws(clients, []);
  const ses = mockClient(clients.sesv2);
  restore = () => ses.restore();
  const calls: string[] = [];
  const names = Object.keys(identities);
  // Two pages, so pagination is followed.
  ses.on(ListEmailIdentitiesCommand).callsFake((i) =>
    i.NextToken === 'p2'
      ? { EmailIdentities: names.slice(1).map((IdentityName) => ({ IdentityName })) }
      : {
          EmailIdentities: names.slice(0, 1).map((IdentityName) => ({ IdentityName })),
          NextToken: 'p2',
        },
  );
  ses.on(ListConfigurationSetsCommand).resolves({ ConfigurationSets: Object.keys(sets) });
  ses.on(ListTagsForResourceCommand).callsFake((i) => {
    const rest = i.ResourceArn.split(':').slice(5).join(':');
    const tags = rest.startsWith('identity/')
      ? identities[rest.slice('identity/'.length)]
      : sets[rest.slice('configuration-set/'.length)];
    return { Tags: Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
  });
  ses.on(DeleteEmailIdentityCommand).callsFake((i) => {
    calls.push(`DeleteEmailIdentity ${i.EmailIdentity}`);
    return {};
  });
  ses.on(DeleteConfigurationSetCommand).callsFake((i) => {
    calls.push(`DeleteConfigurationSet ${i.ConfigurationSetName}`);
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
  return { calls, run };
}

describe('sweep: workload mail', () => {
  it('classifies identities and configuration sets', () => {
    expect(classify(arn('identity/mail.dev.example.com'))).toEqual({
      arn: arn('identity/mail.dev.example.com'),
      kind: 'ses-email-identity',
      id: 'mail.dev.example.com',
    });
    expect(classify(arn('configuration-set/automock-dev-shop-mail'))!.kind).toBe(
      'ses-configuration-set',
    );
    expect(classify(arn('template/welcome'))).toBeUndefined();
  });

  it('deletes the identities, then the configuration set they use, after the services', async () => {
    const order = SWEEP_ORDER as readonly string[];
    expect(order.indexOf('ecs-service')).toBeLessThan(order.indexOf('ses-email-identity'));
    expect(order.indexOf('ses-email-identity')).toBeLessThan(
      order.indexOf('ses-configuration-set'),
    );
    const { calls, run } = setup(
      { 'mail.dev.example.com': BOTH, 'admin@example.com': BOTH },
      { 'automock-dev-shop-mail': BOTH },
    );
    const r = await run();
    expect(r.failures).toEqual([]);
    expect(calls).toEqual([
      'DeleteEmailIdentity admin@example.com',
      'DeleteEmailIdentity mail.dev.example.com',
      'DeleteConfigurationSet automock-dev-shop-mail',
    ]);
    expect(r.deleted).toContain(arn('identity/mail.dev.example.com'));
  });

  it('never deletes one without both tags, nor a configuration set not named like ours', async () => {
    const { calls, run } = setup(
      {
        'mail.other.example.com': { 'automock:env': ENV },
        'ops@example.com': { 'automock:project': WORKLOAD },
        'untagged.example.com': {},
        'prod.example.com': { 'automock:env': 'prod', 'automock:project': WORKLOAD },
      },
      {
        'automock-dev-other-mail': { 'automock:env': ENV, 'automock:project': 'other' },
        'someone-elses': BOTH,
      },
    );
    const r = await run();
    expect(calls).toEqual([]);
    expect(r.planned).toEqual([]);
  });
});
