import { defineEnvironment, DNS_LABEL_RE, MAX_TTL_HOURS } from '../environment';
import { ConfigValidationError, IssueCollector } from '../errors';
import { resourceName, NAME_RULES, ResourceKind } from '../naming';
import {
  checkPreviewRouting,
  previewWorkloadInput,
  resolveWorkloadPreview,
  workloadPreviewName,
} from './preview';
import { defineWorkload, WORKLOAD_NAME_MAX } from './workload';

const DEV = defineEnvironment({
  name: 'dev',
  accountId: '123456789012',
  region: 'us-east-1',
  defaultTtlHours: 4,
});
const CAPPED = defineEnvironment({
  name: 'staging',
  accountId: '123456789012',
  region: 'us-east-1',
  maxTtlHours: 24,
  // The production defaults a preview must switch off.
  deletionProtection: true,
});

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigValidationError)
      return e.issues.map((i) => `${i.field}: ${JSON.stringify(i.value)}: ${i.rule}`);
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('workload previews', () => {
  it('names a preview <workload>-<name>, by default <workload>-preview, with the environment’s default TTL', () => {
    expect(resolveWorkloadPreview({ workload: 'shop', name: 'pr-42', ttlHours: 8 }, DEV)).toEqual(
      expect.objectContaining({
        workload: 'shop',
        name: 'pr-42',
        previewName: 'shop-pr-42',
        ttlHours: 8,
      }),
    );
    expect(resolveWorkloadPreview({ workload: 'shop' }, DEV)).toEqual(
      expect.objectContaining({ previewName: 'shop-preview', ttlHours: 4 }),
    );
  });

  it('keeps the longest workload and preview names within 24 characters, distinct and DNS labels', () => {
    const w = 'a'.repeat(WORKLOAD_NAME_MAX);
    const one = workloadPreviewName(w, 'b'.repeat(WORKLOAD_NAME_MAX));
    const two = workloadPreviewName(w, `${'b'.repeat(WORKLOAD_NAME_MAX - 1)}c`);
    for (const n of [one, two]) {
      expect(n.length).toBeLessThanOrEqual(WORKLOAD_NAME_MAX);
      expect(n).toMatch(DNS_LABEL_RE);
    }
    expect(one).not.toBe(two);
    expect(one).not.toBe(w);
    // A name ending in a hyphen at the cut is trimmed, never left as `--`.
    expect(workloadPreviewName('abcdefghijklmnop-q', 'zzzzzzzzzzzz')).toMatch(
      /^[a-z0-9-]+[a-z0-9]-[a-z0-9]{6}$/,
    );
    expect(workloadPreviewName('abcdefghijklmnop-q', 'zzzzzzzzzzzz')).not.toMatch(/--/);
  });

  it('fits every AWS name limit with the longest legal environment, workload and preview names', () => {
    const env = 'e'.repeat(24);
    const project = workloadPreviewName('w'.repeat(WORKLOAD_NAME_MAX), 'n'.repeat(24));
    for (const kind of Object.keys(NAME_RULES) as ResourceKind[]) {
      const name = resourceName(kind, { prefix: 'automock', env, project, kind: 'api-service-tg' });
      expect(name.length).toBeLessThanOrEqual(NAME_RULES[kind].max);
    }
    expect(`${env}-${project}`.length).toBeLessThanOrEqual(63);
  });

  it('reports a bad workload name, preview name and TTL at once, as field, value and rule', () => {
    expect(
      issuesOf(() =>
        resolveWorkloadPreview(
          { workload: 'Shop', name: 'PR_1', ttlHours: MAX_TTL_HOURS + 1 },
          DEV,
        ),
      ),
    ).toEqual([
      expect.stringMatching(/^workload: "Shop": must be 1-24 characters of lowercase letters/),
      expect.stringMatching(/^name: "PR_1": must be 1-24 characters of lowercase letters/),
      `ttlHours: ${MAX_TTL_HOURS + 1}: must be a whole number of hours from 0 (never expire) to ${MAX_TTL_HOURS}`,
    ]);
    expect(
      issuesOf(() => resolveWorkloadPreview({ workload: 'shop', name: 'x'.repeat(25) }, DEV)),
    ).toEqual([expect.stringMatching(/^name: "x{25}": must be 1-24 characters/)]);
    expect(
      issuesOf(() => resolveWorkloadPreview({ workload: 'shop', ttlHours: 1.5 }, DEV)),
    ).toEqual([expect.stringMatching(/^ttlHours: 1.5: must be a whole number of hours/)]);
  });

  it('holds a preview to the environment’s maxTtlHours, where never expiring is refused', () => {
    expect(
      issuesOf(() => resolveWorkloadPreview({ workload: 'shop', ttlHours: 0 }, CAPPED)),
    ).toEqual([
      expect.stringMatching(
        /^ttlHours: 0: must be from 1 to 24: environment staging sets maxTtlHours 24/,
      ),
    ]);
    expect(
      issuesOf(() => resolveWorkloadPreview({ workload: 'shop', ttlHours: 25 }, CAPPED)),
    ).toHaveLength(1);
    expect(resolveWorkloadPreview({ workload: 'shop', ttlHours: 24 }, CAPPED).ttlHours).toBe(24);
  });

  it('turns the declaration into an ephemeral one of the preview’s environment only', () => {
    const declared = {
      name: 'shop',
      environments: ['staging', 'prod'],
      tables: [{ name: 'orders', partitionKey: { name: 'pk', type: 'S' } }],
      secrets: [{ name: 'api-token' }],
      buckets: [{ name: 'assets' }],
    };
    const p = resolveWorkloadPreview({ workload: 'shop', name: 'pr-7', ttlHours: 6 }, CAPPED);
    const input = previewWorkloadInput(declared, p) as Record<string, unknown>;
    expect(input).toMatchObject({
      name: 'shop-pr-7',
      environments: ['staging'],
      ephemeral: true,
      ttlHours: 6,
    });
    // The declaration itself is left as it was.
    expect(declared.name).toBe('shop');
    const w = defineWorkload(input as never, CAPPED);
    expect(w).toMatchObject({ name: 'shop-pr-7', ephemeral: true, ttlHours: 6 });
    // Nothing of a preview survives its teardown or blocks its next deploy under the same name.
    const sections = w.sections as Record<string, { [k: string]: unknown }[]>;
    expect(sections.tables![0]!.deletionProtection).toBe(false);
    expect(sections.secrets![0]!.recoveryWindowDays).toBe(0);
    expect(sections.buckets![0]!.forceDestroy).toBe(true);
    // The declared workload keeps the environment's protections.
    const declaredW = defineWorkload(declared as never, CAPPED);
    const kept = declaredW.sections as Record<string, { [k: string]: unknown }[]>;
    expect(kept.tables![0]!.deletionProtection).toBe(true);
    expect(kept.secrets![0]!.recoveryWindowDays).toBe(7);
    expect(kept.buckets![0]!.forceDestroy).toBe(false);
  });

  it('refuses a preview’s shared-ALB services while the workload (or another preview) answers the same paths there', () => {
    const shop = {
      name: 'shop',
      environments: ['dev'],
      services: [
        {
          name: 'api',
          image: 'public.ecr.aws/nginx/nginx:1.27',
          port: 8080,
          routing: { kind: 'shared', paths: ['/shop/*'] },
        },
        { name: 'worker', image: 'public.ecr.aws/nginx/nginx:1.27', routing: { kind: 'worker' } },
      ],
    };
    const p = resolveWorkloadPreview({ workload: 'shop', name: 'pr-1' }, DEV);
    const w = defineWorkload(previewWorkloadInput(shop, p) as never, DEV);
    const issues = new IssueCollector();
    checkPreviewRouting(issues, w, ['shop', 'shop-pr-2']);
    expect(issues.issues).toEqual([
      {
        field: 'workload[dev/shop-pr-1].services[0].routing',
        value: { kind: 'shared', hosts: [], paths: ['/shop/*'] },
        rule: expect.stringMatching(
          /^must not be shared while shop, shop-pr-2 answer the same hosts and paths on dev's ALB/,
        ),
      },
    ]);
    // Alone in its environment, it may share the ALB.
    const alone = new IssueCollector();
    checkPreviewRouting(alone, w, []);
    expect(alone.issues).toEqual([]);
  });

  test("a preview's pgAdmin would answer the live workload's path: refused while it is live", () => {
    const env = defineEnvironment({
      name: 'dev',
      accountId: '123456789012',
      region: 'us-east-1',
      databaseSubnets: true,
    });
    const ledger = {
      name: 'ledger',
      environments: ['dev'],
      database: { pgAdmin: { email: 'dba@example.com', path: '/ledger/pgadmin' } },
    };
    const p = resolveWorkloadPreview({ workload: 'ledger', name: 'pr-1' }, env);
    const w = defineWorkload(previewWorkloadInput(ledger, p) as never, env);
    const issues = new IssueCollector();
    checkPreviewRouting(issues, w, ['ledger']);
    expect(issues.issues).toEqual([
      {
        field: 'workload[dev/ledger-pr-1].database.pgAdmin.path',
        value: '/ledger/pgadmin',
        rule: expect.stringMatching(
          /^must not be served while ledger serves pgAdmin at the same path/,
        ),
      },
    ]);
    const alone = new IssueCollector();
    checkPreviewRouting(alone, w, []);
    expect(alone.issues).toEqual([]);
  });
});
