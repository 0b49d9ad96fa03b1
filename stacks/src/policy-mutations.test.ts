// The rules must read what this repository's constructs really synthesise: take the clean app's
// JSON, break one thing the way a careless change would, and expect the rule's id.
import { checkStacks, StackPolicyInput, TfBlock } from '@automock/guardrails';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildApp } from './app';
import { policyInputsOf } from './policy';

type Resources = Record<string, Record<string, TfBlock>>;

let clean: StackPolicyInput[];
let outdir: string;
beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stacks-mutations-'));
  clean = policyInputsOf(buildApp({ outdir }));
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** Errors and warnings after `mutate` changed a copy of one stack's resources. */
function after(stack: string, mutate: (r: Resources) => void): string[] {
  const inputs = clean.map((s) => {
    if (s.name !== stack) return s;
    const json = JSON.parse(JSON.stringify(s.json));
    mutate(json.resource);
    return { ...s, json };
  });
  return checkStacks(inputs)
    .findings.filter((f) => !f.suppressed && f.stack === stack)
    .map((f) => f.ruleId);
}

const first = (r: Resources, type: string): TfBlock => {
  const all = Object.values(r[type] ?? {});
  if (all.length === 0) throw new Error(`the stack has no ${type}`);
  return all[0]!;
};
const stackOf = (kind: string) => {
  const s = clean.find((x) => x.name === kind) ?? clean.find((x) => x.name.startsWith(kind));
  if (!s) throw new Error(`no stack ${kind}`);
  return s.name;
};

describe('rules catch breakage in the real stacks', () => {
  test('the clean app has no error', () => {
    expect(checkStacks(clean).errors).toBe(0);
  });

  test('a container without logs in a project task definition: AM-ECS-2', () => {
    expect(
      after('dev-petstore', (r) => {
        const td = first(r, 'aws_ecs_task_definition');
        const defs = JSON.parse(td.container_definitions as string);
        delete defs[0].logConfiguration;
        td.container_definitions = JSON.stringify(defs);
      }),
    ).toContain('AM-ECS-2');
  });

  test('an unversioned project config bucket: AM-S3-3', () => {
    expect(after('dev-petstore', (r) => delete r.aws_s3_bucket_versioning)).toContain('AM-S3-3');
  });

  test('a state bucket that Terraform may destroy: AM-STATE-1', () => {
    expect(
      after(stackOf('bootstrap-'), (r) => {
        delete first(r, 'aws_s3_bucket').lifecycle;
      }),
    ).toContain('AM-STATE-1');
  });

  test('the shared ALB forwarding invalid headers: AM-ELB-1', () => {
    expect(
      after('dev', (r) => {
        first(r, 'aws_lb').drop_invalid_header_fields = false;
      }),
    ).toContain('AM-ELB-1');
  });

  test('the ALB opening a port it does not listen on: AM-SG-1', () => {
    expect(
      after('dev', (r) => {
        const rule = Object.values(r.aws_vpc_security_group_ingress_rule ?? {}).find(
          (x) => x.cidr_ipv4 === '0.0.0.0/0',
        )!;
        rule.from_port = 22;
        rule.to_port = 22;
      }),
    ).toContain('AM-SG-1');
  });

  test('prod with one NAT for three zones and no flow log: AM-VPC-2, AM-VPC-1', () => {
    const ids = after('prod', (r) => {
      const nats = Object.keys(r.aws_nat_gateway ?? {});
      for (const n of nats.slice(1)) delete r.aws_nat_gateway![n];
      delete r.aws_flow_log;
    });
    expect(ids).toEqual(expect.arrayContaining(['AM-VPC-1', 'AM-VPC-2']));
  });

  test('a log group kept forever: AM-LOG-1', () => {
    expect(
      after('dev-petstore', (r) => {
        delete first(r, 'aws_cloudwatch_log_group').retention_in_days;
      }),
    ).toContain('AM-LOG-1');
  });

  test('a role policy with a wildcard action: AM-IAM-1', () => {
    expect(
      after('dev-petstore', (r) => {
        first(r, 'aws_iam_role_policy').policy = JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::x' }],
        });
      }),
    ).toContain('AM-IAM-1');
  });

  test("pgAdmin's token rule without its header condition: AM-ELB-8", () => {
    expect(
      after('dev-ledger', (r) => {
        for (const rule of Object.values(r.aws_lb_listener_rule ?? {}))
          rule.condition = (rule.condition as TfBlock[]).filter((c) => !c.http_header);
      }),
    ).toContain('AM-ELB-8');
  });

  test('the database admitting an address range besides its clients: AM-RDS-6', () => {
    expect(
      after('dev-myapp', (r) => {
        const ingress = Object.values(r.aws_vpc_security_group_ingress_rule ?? {}).find(
          (i) => i.from_port === 5432,
        )!;
        delete ingress.referenced_security_group_id;
        ingress.cidr_ipv4 = '10.10.0.0/16';
      }),
    ).toContain('AM-RDS-6');
  });

  test("myapp's HTTP API without its access log, its throttling or its authorizer: AM-APIGW-1, -2, -4", () => {
    expect(
      after('dev-myapp', (r) => {
        delete first(r, 'aws_apigatewayv2_stage').access_log_settings;
      }),
    ).toContain('AM-APIGW-1');
    expect(
      after('dev-myapp', (r) => {
        delete first(r, 'aws_apigatewayv2_stage').default_route_settings;
      }),
    ).toContain('AM-APIGW-2');
    expect(
      after('dev-myapp', (r) => {
        for (const route of Object.values(r.aws_apigatewayv2_route ?? {})) {
          route.authorization_type = 'NONE';
          delete route.authorizer_id;
        }
      }),
    ).toContain('AM-APIGW-4');
  });
});
