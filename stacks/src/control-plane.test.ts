// The control plane of every MockServer the app can deploy, in every routing mode, is closed to an
// anonymous caller from the internet: checked by evaluating the synthesised listener rules the way
// the ALB does (guardrails' routeProbe), not by looking for the rules this code meant to write.
import {
  checkStacks,
  CONTROL_PLANE_PROBES,
  DATA_PLANE_PROBE,
  routeProbe,
  StackModel,
  StackPolicyInput,
  TfBlock,
} from '@automock/guardrails';
import { ProjectDeclaration } from './projects';
import { buildApp } from './app';
import { policyInputsOf } from './policy';

const PROJECTS: ProjectDeclaration[] = [
  // shared ALB, no domain: a listener port of its own
  { env: 'dev', project: { name: 'port' } },
  { env: 'dev', project: { name: 'port-narrow', dataPlaneCidrs: ['203.0.113.0/24'] } },
  // an ALB of its own, HTTP
  { env: 'staging', project: { name: 'own', isolation: 'dedicated' } },
  {
    env: 'staging',
    project: { name: 'own-narrow', isolation: 'dedicated', dataPlaneCidrs: ['203.0.113.0/24'] },
  },
  // shared HTTPS listener, routed by host name
  { env: 'prod', project: { name: 'host' } },
  { env: 'prod', project: { name: 'host-narrow', dataPlaneCidrs: ['203.0.113.0/24'] } },
  // an ALB of its own with a certificate, HTTP redirecting to HTTPS
  { env: 'prod', project: { name: 'own-tls', isolation: 'dedicated' } },
];

let inputs: StackPolicyInput[];
beforeAll(() => {
  inputs = policyInputsOf(buildApp({ projects: PROJECTS }));
});
const projectStacks = () => inputs.filter((s) => s.project !== undefined);

describe('MockServer control plane in every routing mode', () => {
  it('covers each mode', () => {
    expect(projectStacks().map((s) => s.name)).toEqual(
      expect.arrayContaining(PROJECTS.map((p) => `${p.env}-${p.project.name}`)),
    );
  });

  it.each(PROJECTS.map((p) => `${p.env}-${p.project.name}`))(
    '%s: no listener forwards /mockserver/* or /_mockserver_* to an anonymous internet caller',
    (name) => {
      const stack = inputs.find((s) => s.name === name)!;
      const model = new StackModel(stack.name, stack.json);
      for (const probe of CONTROL_PLANE_PROBES) {
        const outcomes = routeProbe(model, probe);
        expect(outcomes.length).toBeGreaterThan(0);
        for (const o of outcomes)
          expect([probe.path, o.outcome]).not.toEqual([probe.path, 'forward']);
      }
    },
  );

  it.each([
    ['dev-port', 'forward'],
    ['dev-port-narrow', 'refused'],
    ['staging-own', 'forward'],
    ['staging-own-narrow', 'refused'],
    ['prod-host', 'forward'],
    ['prod-host-narrow', 'external-default'],
  ])('%s: the mocked API from the internet is %s', (name, expected) => {
    const stack = inputs.find((s) => s.name === name)!;
    const outcomes = routeProbe(new StackModel(stack.name, stack.json), DATA_PLANE_PROBE);
    expect(outcomes.map((o) => o.outcome)).toContain(expected);
    if (expected !== 'forward') expect(outcomes.map((o) => o.outcome)).not.toContain('forward');
  });

  it('reaches the control plane with the token: the first control-plane rule requires it', () => {
    const stack = inputs.find((s) => s.name === 'prod-host')!;
    const rules = Object.values<TfBlock>(stack.json.resource!.aws_lb_listener_rule!).sort(
      (a, b) => Number(a.priority) - Number(b.priority),
    );
    const header = (rules[0]!.condition as TfBlock[]).find((c) => c.http_header)!
      .http_header as TfBlock;
    expect(header.http_header_name).toBe('x-automock-control-token');
    expect((header.values as string[])[0]).toMatch(
      /^\$\{aws_secretsmanager_secret_version\.[\w-]+\.secret_string\}$/,
    );
    expect(rules[0]!.action).toEqual([expect.objectContaining({ type: 'forward' })]);
  });

  it('AM-ELB-5 stops synthesis when the refusal rule is lost, in each mode', () => {
    for (const name of ['dev-port', 'staging-own', 'prod-host']) {
      const broken = inputs.map((s) => {
        if (s.name !== name) return s;
        const json = JSON.parse(JSON.stringify(s.json));
        const rules = json.resource.aws_lb_listener_rule as Record<string, TfBlock>;
        for (const [k, r] of Object.entries(rules))
          if ((r.action as TfBlock[])[0]!.type === 'fixed-response') delete rules[k];
        return { ...s, json };
      });
      const found = checkStacks(broken).findings.filter(
        (f) => f.stack === name && f.ruleId === 'AM-ELB-5',
      );
      expect(found.length).toBeGreaterThan(0);
      expect(found.every((f) => f.severity === 'error')).toBe(true);
    }
  });

  it('the clean app passes AM-ELB-5 everywhere and AM-ELB-6 flags only prod projects open to the internet', () => {
    const report = checkStacks(inputs);
    expect(report.findings.filter((f) => f.ruleId === 'AM-ELB-5')).toEqual([]);
    const elb6 = report.findings.filter((f) => f.ruleId === 'AM-ELB-6');
    expect([...new Set(elb6.map((f) => [f.stack, f.severity].join(' ')))].sort()).toEqual([
      'prod-host warning',
      'prod-own-tls warning',
    ]);
  });
});

describe('isolation of the probe projects', () => {
  it('staging projects bring their own ALB', () => {
    for (const name of ['staging-own', 'staging-own-narrow']) {
      const stack = inputs.find((s) => s.name === name)!;
      expect(Object.keys(stack.json.resource!.aws_lb ?? {})).toHaveLength(1);
    }
  });
});
