import type {} from 'cdktf/lib/testing/adapters/jest';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { Testing } from 'cdktf';
import { buildApp } from './app';
import { AutomockStack } from './automock-stack';
import { defineEnvironment, ENV_OUTPUT } from '@automock/core';
import { EnvironmentStack } from './environment-stack';

function envJson(name: string) {
  const stack = AutomockStack.all(buildApp({ declaredProjects: false })).find(
    (s) => s.info.name === name,
  )!;
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw) };
}

describe('environment stack: ECS cluster and shared ALB', () => {
  it('dev: cluster with Container Insights, HTTP-only shared ALB answering 404', () => {
    const { raw, json } = envJson('dev');
    expect(raw).toHaveResourceWithProperties(EcsCluster, {
      name: 'automock-dev',
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    expect(raw).toHaveResourceWithProperties(Lb, {
      name: 'automock-dev-shared',
      drop_invalid_header_fields: true,
      enable_deletion_protection: false,
    });
    expect(raw).toHaveResourceWithProperties(LbListener, {
      port: 80,
      default_action: [expect.objectContaining({ type: 'fixed-response' })],
    });
    expect(Object.keys(json.resource.aws_acm_certificate ?? {})).toHaveLength(0);
    expect(json.output[ENV_OUTPUT.httpsListenerArn].value).toBe('');
  });

  it('prod: wildcard certificate, HTTPS listener, deletion protection', () => {
    const { raw } = envJson('prod');
    expect(raw).toHaveResourceWithProperties(AcmCertificate, {
      domain_name: '*.mocks.example.com',
    });
    expect(raw).toHaveResourceWithProperties(LbListener, {
      port: 443,
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    expect(raw).toHaveResourceWithProperties(Lb, { enable_deletion_protection: true });
  });

  // The database tier's outputs exist only in environments that have the tier (dev: seed 004's
  // myapp keeps its PostgreSQL there).
  const DATABASE_OUTPUTS: string[] = [
    ENV_OUTPUT.databaseSubnetIds,
    ENV_OUTPUT.databaseSubnetGroupName,
  ];
  it.each([
    ['dev', true],
    ['staging', false],
    ['prod', false],
  ])('%s exports every ENV_OUTPUT (database tier: %s)', (name, tier) => {
    const { json } = envJson(name);
    for (const o of Object.values(ENV_OUTPUT))
      if (!DATABASE_OUTPUTS.includes(o)) expect(json.output).toHaveProperty(o);
    for (const o of DATABASE_OUTPUTS)
      if (tier) expect(json.output).toHaveProperty(o);
      else expect(json.output).not.toHaveProperty(o);
  });

  it('an environment with databaseSubnets exports its subnets and DB subnet group', () => {
    const env = defineEnvironment({
      name: 'dbenv',
      accountId: '123456789012',
      region: 'eu-west-1',
      databaseSubnets: true,
    });
    const json = JSON.parse(
      Testing.synth(new EnvironmentStack(Testing.app(), { environment: env })),
    );
    const [groupKey] = Object.keys(json.resource.aws_db_subnet_group);
    expect(json.output[ENV_OUTPUT.databaseSubnetGroupName].value).toBe(
      `\${aws_db_subnet_group.${groupKey}.name}`,
    );
    expect(json.output[ENV_OUTPUT.databaseSubnetIds].value).toHaveLength(2);
  });

  it('is unchanged when projects are added (project stacks read remote state)', () => {
    const without = Testing.synth(
      AutomockStack.all(buildApp({ declaredProjects: false })).find((s) => s.info.name === 'dev')!,
    );
    const withMany = Testing.synth(
      AutomockStack.all(
        buildApp({ projects: [{ env: 'dev', project: { name: 'extra', ephemeral: true } }] }),
      ).find((s) => s.info.name === 'dev')!,
    );
    expect(withMany).toBe(without);
  });
});
