import { IssueCollector } from '@automock/core';
import { DnsValidatedCertificate } from '@automock/ecs-service';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2ApiMapping } from '@cdktf/provider-aws/lib/apigatewayv2-api-mapping';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2DomainName } from '@cdktf/provider-aws/lib/apigatewayv2-domain-name';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { Apigatewayv2VpcLink } from '@cdktf/provider-aws/lib/apigatewayv2-vpc-link';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Token } from 'cdktf';
import { Construct } from 'constructs';

/** The load balancer listener the API forwards every request to, through the VPC link. */
export interface HttpApiAlbTarget {
  /** ARN of the listener (the integration's URI). */
  readonly listenerArn: string;
  /** The load balancer's security group: the VPC link may reach it, and it admits the link. */
  readonly securityGroupId: string;
  /** The listener's port (80 or 443 on the shared ALB). */
  readonly port: number;
  /** The listener's protocol: HTTPS makes the integration use TLS. */
  readonly protocol: 'HTTP' | 'HTTPS';
  /**
   * Name the listener's certificate covers, which API Gateway verifies (`tlsConfig`); required
   * with HTTPS, e.g. `<workload>.<domain>` for a `*.<domain>` certificate.
   * @default - none (HTTP)
   */
  readonly serverName?: string;
}

/** A JWT authorizer (a Cognito user pool's tokens). */
export interface HttpApiJwtAuthorizer {
  /** Token issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  readonly issuer: string;
  /** Accepted audiences: the pool's app client ids (Cognito puts one in `aud` or `client_id`). */
  readonly audience: readonly string[];
  /** OAuth scopes a token must carry on every route (any one of them). @default [] */
  readonly scopes?: readonly string[];
  /** The authorizer's name. @default 'jwt' */
  readonly name?: string;
}

/** CORS of the API (API Gateway answers preflight requests itself). */
export interface HttpApiCors {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number;
  readonly allowCredentials: boolean;
}

/** Props of {@link HttpApiGateway}. */
export interface HttpApiGatewayProps {
  /** The API's name (1-128 characters); also names its VPC link. */
  readonly name: string;
  /** VPC of the load balancer. */
  readonly vpcId: string;
  /** Private subnets the VPC link's network interfaces go in (at least one; one per AZ is usual). */
  readonly subnetIds: string[];
  /** Name of the VPC link's security group. */
  readonly securityGroupName: string;
  /** Where every route is forwarded. */
  readonly target: HttpApiAlbTarget;
  /**
   * Path prefixes, e.g. `/orders`: each gets `ANY <path>` and `ANY <path>/{proxy+}`, forwarded
   * with the request path unchanged (the `$default` stage adds no stage name to it).
   */
  readonly routePaths: readonly string[];
  /** A JWT authorizer on every route. @default - none: every route is open */
  readonly authorizer?: HttpApiJwtAuthorizer;
  /** Throttling of every route (the stage's default route settings). */
  readonly throttling: { readonly burstLimit: number; readonly rateLimit: number };
  /** The access log's CloudWatch log group. */
  readonly accessLog: {
    readonly logGroupName: string;
    /** Days the log is kept (a CloudWatch retention value). */
    readonly retentionDays: number;
    /**
     * A KMS key for the log group. @default - CloudWatch Logs' own encryption at rest, as
     * every log group of the repository
     */
    readonly kmsKeyArn?: string;
  };
  /**
   * A custom domain: a DNS-validated certificate, the regional domain name (TLS 1.2), the API
   * mapped at its root and an alias record; the default `execute-api` endpoint is then turned
   * off so the API has one address. @default - none: the API is served at its execute-api endpoint
   */
  readonly domain?: { readonly name: string; readonly hostedZoneId: string };
  /** CORS. @default - none */
  readonly cors?: HttpApiCors;
}

/** The stage whose name API Gateway leaves out of the path it forwards to a private integration. */
export const DEFAULT_STAGE = '$default';
/** TLS policy of the custom domain (the only other value HTTP APIs take is TLS_1_0). */
export const HTTP_API_TLS_POLICY = 'TLS_1_2';
/** Fields of each access log line (JSON, one object per request). */
export const ACCESS_LOG_FORMAT: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

/**
 * An API Gateway HTTP API in front of services behind a load balancer listener: a VPC link in
 * the private subnets (its security group may reach only the load balancer, on the listener's
 * port), one HTTP_PROXY integration on the listener, routes `ANY <path>` and
 * `ANY <path>/{proxy+}` per path prefix, a JWT authorizer on every route when given, and the
 * `$default` stage with automatic deployment, a JSON access log and throttling.
 */
export class HttpApiGateway extends Construct {
  readonly api: Apigatewayv2Api;
  readonly vpcLink: Apigatewayv2VpcLink;
  readonly securityGroup: SecurityGroup;
  readonly integration: Apigatewayv2Integration;
  readonly routes: readonly Apigatewayv2Route[];
  readonly authorizer?: Apigatewayv2Authorizer;
  readonly stage: Apigatewayv2Stage;
  readonly logGroup: CloudwatchLogGroup;
  readonly domainName?: Apigatewayv2DomainName;
  readonly certificate?: DnsValidatedCertificate;
  /** `https://<custom domain>` with a domain, else the stage's invoke URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: HttpApiGatewayProps) {
    super(scope, id);
    const issues = new IssueCollector();
    if (!Token.isUnresolved(props.name) && (props.name.length < 1 || props.name.length > 128))
      issues.add('HttpApiGateway.name', props.name, 'must be 1-128 characters');
    if (props.routePaths.length === 0)
      issues.add('HttpApiGateway.routePaths', props.routePaths, 'must list at least one path');
    if (new Set(props.routePaths).size !== props.routePaths.length)
      issues.add('HttpApiGateway.routePaths', props.routePaths, 'must not repeat a path');
    props.routePaths.forEach((p, i) => {
      if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(p))
        issues.add(
          `HttpApiGateway.routePaths[${i}]`,
          p,
          'must be /segment[/segment...] of letters, digits and ._~-',
        );
    });
    if (props.target.protocol === 'HTTPS' && !props.target.serverName)
      issues.add(
        'HttpApiGateway.target.serverName',
        undefined,
        'must be given with HTTPS: API Gateway verifies the listener certificate against it',
      );
    if (props.authorizer && props.authorizer.audience.length === 0)
      issues.add(
        'HttpApiGateway.authorizer.audience',
        [],
        'must list at least one client id: a JWT authorizer without an audience accepts no token',
      );
    issues.throwIfAny('HttpApiGateway');

    this.api = new Apigatewayv2Api(this, 'Api', {
      name: props.name,
      protocolType: 'HTTP',
      // With a custom domain the API has one address: clients cannot go around the domain's
      // TLS policy by calling execute-api.
      disableExecuteApiEndpoint: props.domain !== undefined,
      ...(props.cors
        ? {
            corsConfiguration: {
              allowOrigins: [...props.cors.allowOrigins],
              allowMethods: [...props.cors.allowMethods],
              allowHeaders: [...props.cors.allowHeaders],
              exposeHeaders: [...props.cors.exposeHeaders],
              maxAge: props.cors.maxAgeSeconds,
              allowCredentials: props.cors.allowCredentials,
            },
          }
        : {}),
    });

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: props.securityGroupName,
      description: `VPC link of HTTP API ${props.name}: to the load balancer's listener only`,
      vpcId: props.vpcId,
      // No inline rules: Terraform then removes AWS's allow-all egress, and the one rule below
      // is all the link may send.
      tags: { Name: props.securityGroupName },
    });
    new VpcSecurityGroupEgressRule(this, 'ToLoadBalancer', {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: props.target.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: props.target.port,
      toPort: props.target.port,
      description: `${props.target.protocol} to the load balancer listener`,
    });
    // The load balancer admits the link by its security group, whatever else it admits.
    new VpcSecurityGroupIngressRule(this, 'FromVpcLink', {
      securityGroupId: props.target.securityGroupId,
      referencedSecurityGroupId: this.securityGroup.id,
      ipProtocol: 'tcp',
      fromPort: props.target.port,
      toPort: props.target.port,
      description: `HTTP API ${props.name} through its VPC link`,
    });
    this.vpcLink = new Apigatewayv2VpcLink(this, 'VpcLink', {
      name: props.name,
      subnetIds: props.subnetIds,
      securityGroupIds: [this.securityGroup.id],
    });

    this.integration = new Apigatewayv2Integration(this, 'Integration', {
      apiId: this.api.id,
      integrationType: 'HTTP_PROXY',
      integrationMethod: 'ANY',
      connectionType: 'VPC_LINK',
      connectionId: this.vpcLink.id,
      integrationUri: props.target.listenerArn,
      payloadFormatVersion: '1.0',
      ...(props.target.protocol === 'HTTPS'
        ? { tlsConfig: { serverNameToVerify: props.target.serverName! } }
        : {}),
    });

    if (props.authorizer)
      this.authorizer = new Apigatewayv2Authorizer(this, 'Authorizer', {
        apiId: this.api.id,
        name: props.authorizer.name ?? 'jwt',
        authorizerType: 'JWT',
        identitySources: ['$request.header.Authorization'],
        jwtConfiguration: {
          issuer: props.authorizer.issuer,
          audience: [...props.authorizer.audience],
        },
      });
    const scopes = props.authorizer?.scopes ?? [];
    const auth = this.authorizer
      ? {
          authorizationType: 'JWT',
          authorizerId: this.authorizer.id,
          ...(scopes.length > 0 ? { authorizationScopes: [...scopes] } : {}),
        }
      : { authorizationType: 'NONE' };
    this.routes = props.routePaths.flatMap((path, i) =>
      [path, `${path}/{proxy+}`].map(
        (p, j) =>
          new Apigatewayv2Route(this, `Route${i}-${j === 0 ? 'Exact' : 'Proxy'}`, {
            apiId: this.api.id,
            routeKey: `ANY ${p}`,
            target: `integrations/${this.integration.id}`,
            ...auth,
          }),
      ),
    );

    this.logGroup = new CloudwatchLogGroup(this, 'AccessLog', {
      name: props.accessLog.logGroupName,
      retentionInDays: props.accessLog.retentionDays,
      ...(props.accessLog.kmsKeyArn ? { kmsKeyId: props.accessLog.kmsKeyArn } : {}),
    });
    this.stage = new Apigatewayv2Stage(this, 'Stage', {
      apiId: this.api.id,
      name: DEFAULT_STAGE,
      autoDeploy: true,
      accessLogSettings: {
        destinationArn: this.logGroup.arn,
        format: JSON.stringify(ACCESS_LOG_FORMAT),
      },
      defaultRouteSettings: {
        throttlingBurstLimit: props.throttling.burstLimit,
        throttlingRateLimit: props.throttling.rateLimit,
      },
    });

    if (props.domain) {
      this.certificate = new DnsValidatedCertificate(this, 'Certificate', {
        domainName: props.domain.name,
        hostedZoneId: props.domain.hostedZoneId,
      });
      this.domainName = new Apigatewayv2DomainName(this, 'DomainName', {
        domainName: props.domain.name,
        domainNameConfiguration: {
          certificateArn: this.certificate.certificateArn,
          endpointType: 'REGIONAL',
          securityPolicy: HTTP_API_TLS_POLICY,
        },
      });
      new Apigatewayv2ApiMapping(this, 'Mapping', {
        apiId: this.api.id,
        domainName: this.domainName.id,
        stage: this.stage.id,
      });
      new Route53Record(this, 'Alias', {
        zoneId: props.domain.hostedZoneId,
        name: props.domain.name,
        type: 'A',
        alias: {
          name: this.domainName.domainNameConfiguration.targetDomainName,
          zoneId: this.domainName.domainNameConfiguration.hostedZoneId,
          evaluateTargetHealth: false,
        },
      });
      this.url = `https://${props.domain.name}`;
    } else {
      this.url = this.stage.invokeUrl;
    }
  }
}
