import {
  admitsInternet,
  CONTROL_PLANE_HEADER,
  emailAddressProblem,
  HARDENING_EXCEPTION_LABELS,
  IssueCollector,
  POSTGRES_PORT,
  type TaskSize,
} from '@automock/core';
import { Secret } from '@automock/data-messaging';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import { ControlPlaneToken } from './ControlPlaneToken';
import { checkFargateService, FargateService, type FargateServiceCheck } from './FargateService';
import { checkConditionValues, protectedPathRules } from './routing';
import { ServiceTargetGroup } from './ServiceTargetGroup';

/** Port pgAdmin listens on in the task: unprivileged, so the image's user needs no capability. */
export const PGADMIN_PORT = 8080;

/** The pgadmin user of the official image (`USER 5050` in its Dockerfile). */
export const PGADMIN_UID = '5050';

/** What the ALB answers on pgAdmin's paths to a request with neither the token nor a listed address. */
export const PGADMIN_DENIED =
  "Forbidden: pgAdmin needs the workload's control-plane token header or an address in controlPlaneCidrs";

/** Characters Secrets Manager leaves out of the login password: ones a shell or URL would mangle. */
const PASSWORD_EXCLUDED = `"'\`\\/@:`;

/** Props of {@link PgAdminService}. */
export interface PgAdminServiceProps {
  /** Name prefix (core environment's `prefix`). */
  readonly prefix: string;
  /** Environment name. */
  readonly env: string;
  /** The workload (or project) the database belongs to. */
  readonly project: string;
  /** AWS region (for the awslogs driver). */
  readonly region: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly vpcId: string;
  /** Subnets of the task: private, or public with `assignPublicIp`. */
  readonly subnetIds: string[];
  /** A public IP for a task in a public subnet (no NAT to pull the image). @default false */
  readonly assignPublicIp?: boolean;
  /** Image reference with a tag or digest (core's `PGADMIN_IMAGE` by default in the workload layer). */
  readonly image: string;
  /** Email address of pgAdmin's initial login (`PGADMIN_DEFAULT_EMAIL`). */
  readonly email: string;
  /** Task CPU and memory (a Fargate pair). */
  readonly size: TaskSize;
  /** Path pgAdmin is served under (`SCRIPT_NAME`), e.g. `/pgadmin`: no wildcards, no trailing slash. */
  readonly path: string;
  /** The shared ALB's listener the rules go on, and its security group (the only source admitted). */
  readonly alb: { readonly listenerArn: string; readonly securityGroupId: string };
  /** Priority of the first listener rule; the others take the next ones (2 or 3 rules). */
  readonly priority: number;
  /** Networks admitted without the token header (never the internet). @default [] */
  readonly controlPlaneCidrs?: readonly string[];
  /** Secrets Manager name of the generated login password. */
  readonly passwordSecretName: string;
  /** Secrets Manager name of the token the ALB requires on pgAdmin's paths. */
  readonly tokenSecretName: string;
  /** Target group name, at most 32 characters (core's `resourceName('targetGroup', ...)`). */
  readonly targetGroupName: string;
  /**
   * The database pgAdmin administers: its security group admits pgAdmin's on 5432.
   * @default - none: no rule is added (the caller admits pgAdmin itself)
   */
  readonly database?: {
    readonly securityGroupId: string;
    /**
     * The server pgAdmin lists at start (its `servers.json`): the login still asks for the
     * password, which pgAdmin never receives from here. @default - none: added by hand in pgAdmin
     */
    readonly server?: PgAdminServer;
  };
  /** The listener is HTTPS: pgAdmin's session cookie is marked Secure. @default false */
  readonly https?: boolean;
  /** CloudWatch Logs retention in days. */
  readonly logRetentionDays: number;
  /** Permissions boundary of the task and execution roles. @default - none */
  readonly permissionsBoundary?: string;
}

/** A PostgreSQL server pgAdmin lists at start. */
export interface PgAdminServer {
  /** Name shown in pgAdmin's tree, e.g. the workload's. */
  readonly name: string;
  /** Host name (a Terraform reference to the instance's address is fine). */
  readonly host: string;
  /** @default 5432 */
  readonly port?: number;
  /** Database pgAdmin connects to first. */
  readonly database: string;
  readonly username: string;
}

/** Where the entry point writes the server list: /tmp is writable by the image's user. */
export const PGADMIN_SERVERS_FILE = '/tmp/servers.json';

const PATH_RE = /^(\/[a-z0-9][a-z0-9_-]*)+$/;

/**
 * pgAdmin 4 on Fargate behind the environment's shared ALB, protected like MockServer's control
 * plane (issue 9): its listener rules forward `<path>` and `<path>/*` only with the
 * `x-automock-control-token` header holding a token from Secrets Manager, or from
 * `controlPlaneCidrs`, and answer 403 otherwise. The login password is generated by Secrets
 * Manager (never in the repository, the synthesised JSON or Terraform state) and handed to the
 * container as an ECS secret; the task admits only the ALB's security group, and the database's
 * admits the task on 5432.
 */
export class PgAdminService extends Construct {
  readonly service: FargateService;
  readonly targetGroup: ServiceTargetGroup;
  readonly password: Secret;
  readonly token: ControlPlaneToken;
  readonly rules: LbListenerRule[] = [];
  /** The tasks' security group. */
  readonly securityGroupId: string;
  /** Path pgAdmin is served under, e.g. `/pgadmin` (append to the listener's URL). */
  readonly path: string;

  constructor(scope: Construct, id: string, props: PgAdminServiceProps) {
    super(scope, id);
    const owner = 'PgAdminService';
    const issues = new IssueCollector();
    const cidrs = props.controlPlaneCidrs ?? [];
    if (!PATH_RE.test(props.path))
      issues.add(
        `${owner}.path`,
        props.path,
        'must be lower-case segments of letters, digits, - and _ after slashes, no wildcards or trailing slash (it is pgAdmin SCRIPT_NAME and the prefix of its ALB path patterns)',
      );
    if (admitsInternet(cidrs))
      issues.add(
        `${owner}.controlPlaneCidrs`,
        cidrs,
        'must not admit the internet: pgAdmin holds database credentials',
      );
    const emailProblem = emailAddressProblem(props.email);
    if (emailProblem) issues.add(`${owner}.email`, props.email, emailProblem);
    const shape = protectedPathRules(
      {
        paths: [props.path, `${props.path}/*`],
        header: { name: CONTROL_PLANE_HEADER },
        sourceCidrs: cidrs,
      },
      { deniedMessage: PGADMIN_DENIED },
    );
    checkConditionValues(issues, owner, shape);
    if (
      !Number.isInteger(props.priority) ||
      props.priority < 1 ||
      props.priority + shape.length - 1 > 50000
    )
      issues.add(
        `${owner}.priority`,
        props.priority,
        `must leave room for ${shape.length} rules within 1-50000`,
      );
    const service: FargateServiceCheck = {
      serviceName: 'pgadmin',
      size: props.size,
      containers: [{ name: 'pgadmin', image: props.image, port: PGADMIN_PORT }],
      minTasks: 1,
      maxTasks: 1,
      targets: [{ containerName: 'pgadmin', containerPort: PGADMIN_PORT }],
      ...(props.permissionsBoundary !== undefined && {
        permissionsBoundary: props.permissionsBoundary,
      }),
    };
    checkFargateService(issues, `${owner}.service`, service);
    issues.throwIfAny(owner);
    this.path = props.path;

    this.password = new Secret(this, 'Password', {
      secretName: props.passwordSecretName,
      description: `pgAdmin login of ${props.email} (${props.env}/${props.project})`,
      generate: {
        length: 32,
        excludeCharacters: PASSWORD_EXCLUDED,
        excludePunctuation: false,
        excludeUppercase: false,
        excludeLowercase: false,
        excludeNumbers: false,
        includeSpace: false,
        requireEachIncludedType: true,
      },
      // The login of a stateless UI: nothing is lost with it, and pgAdmin can be removed and
      // added again under the same name without waiting out a recovery window.
      recoveryWindowDays: 0,
    });
    this.token = new ControlPlaneToken(this, 'Token', {
      secretName: props.tokenSecretName,
      description: `Header ${CONTROL_PLANE_HEADER} that opens pgAdmin of ${props.env}/${props.project} at ${props.path}`,
    });

    this.targetGroup = new ServiceTargetGroup(this, 'TargetGroup', {
      name: props.targetGroupName,
      vpcId: props.vpcId,
      port: PGADMIN_PORT,
      // Answers 200 without a session; the ALB's own checks never pass through listener rules.
      healthCheckPath: `${props.path}/misc/ping`,
    });
    const rules = protectedPathRules(
      {
        paths: [props.path, `${props.path}/*`],
        header: { name: CONTROL_PLANE_HEADER, value: this.token.value },
        sourceCidrs: cidrs,
        targetGroupArn: this.targetGroup.targetGroupArn,
      },
      { deniedMessage: PGADMIN_DENIED },
    );
    rules.forEach((rule, i) =>
      this.rules.push(
        new LbListenerRule(this, rule.id, {
          listenerArn: props.alb.listenerArn,
          priority: props.priority + i,
          condition: rule.conditions,
          action: rule.action,
        }),
      ),
    );

    const server = props.database?.server;
    // The image reads its server list from a file; the address is known only at apply, so the
    // list travels in a variable and a shell writes it before handing over to the image's own
    // entry point (which loads it when it creates pgAdmin's database, at every start here).
    const servers = server && {
      entryPoint: ['/bin/sh', '-c'],
      command: [
        `printf '%s' "$AUTOMOCK_PGADMIN_SERVERS" > ${PGADMIN_SERVERS_FILE} && exec /entrypoint.sh`,
      ],
      environment: {
        PGADMIN_SERVER_JSON_FILE: PGADMIN_SERVERS_FILE,
        // JSON text with the address as a reference inside it: a host name needs no escaping, so
        // the task definition stays valid JSON once Terraform fills it in.
        AUTOMOCK_PGADMIN_SERVERS: JSON.stringify({
          Servers: {
            '1': {
              Name: server.name,
              Group: 'Servers',
              Host: server.host,
              Port: server.port ?? POSTGRES_PORT,
              MaintenanceDB: server.database,
              Username: server.username,
              // RDS for PostgreSQL serves TLS; pgAdmin must not fall back to plain text.
              SSLMode: 'require',
            },
          },
        }),
      },
    };
    this.service = new FargateService(this, 'Service', {
      prefix: props.prefix,
      env: props.env,
      project: props.project,
      serviceName: 'pgadmin',
      region: props.region,
      clusterName: props.clusterName,
      clusterArn: props.clusterArn,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      ...(props.assignPublicIp !== undefined && { assignPublicIp: props.assignPublicIp }),
      size: props.size,
      logRetentionDays: props.logRetentionDays,
      containers: [
        {
          name: 'pgadmin',
          image: props.image,
          port: PGADMIN_PORT,
          user: PGADMIN_UID,
          ...(servers && { entryPoint: servers.entryPoint, command: servers.command }),
          environment: {
            ...servers?.environment,
            PGADMIN_DEFAULT_EMAIL: props.email,
            // Served under the path the ALB forwards, so its links and redirects stay under it.
            SCRIPT_NAME: props.path,
            PGADMIN_LISTEN_PORT: String(PGADMIN_PORT),
            // Postfix starts as root through sudo; pgAdmin sends no mail here.
            PGADMIN_DISABLE_POSTFIX: 'true',
            // One proxy (the ALB) in front: client address and scheme come from its headers.
            PGADMIN_CONFIG_PROXY_X_FOR_COUNT: '1',
            PGADMIN_CONFIG_PROXY_X_PROTO_COUNT: '1',
            PGADMIN_CONFIG_SESSION_COOKIE_SECURE: props.https ? 'True' : 'False',
            PGADMIN_CONFIG_ENHANCED_COOKIE_PROTECTION: 'True',
            // No calls home from a private subnet.
            PGADMIN_CONFIG_UPGRADE_CHECK_ENABLED: 'False',
          },
          secrets: { PGADMIN_DEFAULT_PASSWORD: { secretsManagerArn: this.password.arn } },
          readonlyRootFilesystem: false,
          dockerLabels: {
            [HARDENING_EXCEPTION_LABELS.writableRoot]:
              'pgAdmin writes config_distro.py from PGADMIN_CONFIG_* under /pgadmin4 and its SQLite database under /var/lib/pgadmin at start',
          },
        },
      ],
      loadBalancerSecurityGroupId: props.alb.securityGroupId,
      targets: [
        {
          label: 'pgadmin',
          targetGroupArn: this.targetGroup.targetGroupArn,
          arnSuffix: this.targetGroup.arnSuffix,
          containerName: 'pgadmin',
          containerPort: PGADMIN_PORT,
        },
      ],
      listenerDependencies: this.rules,
      minTasks: 1,
      maxTasks: 1,
      autoscaling: false,
      // First start creates pgAdmin's database and the login before it answers the ping.
      healthCheckGracePeriodSeconds: 180,
      ...(props.permissionsBoundary !== undefined && {
        permissionsBoundary: props.permissionsBoundary,
      }),
    });
    this.securityGroupId = this.service.securityGroup.id;

    if (props.database)
      new VpcSecurityGroupIngressRule(this, 'DatabaseFromPgAdmin', {
        securityGroupId: props.database.securityGroupId,
        referencedSecurityGroupId: this.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        description: 'PostgreSQL from pgAdmin',
      });
  }
}
