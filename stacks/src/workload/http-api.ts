import { type HttpApi, HTTP_API_KIND, resourceName } from '@automock/core';
import { HttpApiGateway } from '@automock/http-api';
import type { WorkloadSectionBuilder } from './section-builder';

/**
 * Builds the `httpApi` section: an API Gateway HTTP API whose VPC link reaches the environment's
 * shared ALB listener (HTTPS when the environment has a domain), so requests go through the same
 * listener rules as browsers' and land on the services routed there; the JWT authorizer trusts
 * the workload's user pool (its `userPool` ref's issuer and client ids). Provided as the
 * `httpApi` ref `api` (`${httpApi:api:url}`). Order 40: after the services (20), whose listener
 * rules the API depends on, and identity (10).
 */
export const httpApiBuilder: WorkloadSectionBuilder<HttpApi> = {
  key: 'httpApi',
  order: 40,
  build(api, ctx) {
    const alb = ctx.sharedAlb;
    if (!alb)
      throw new Error(
        `workload ${ctx.workload}: httpApi needs the environment's shared ALB (its services' routing.kind shared)`,
      );
    const protocol = alb.listenerProtocol ?? 'HTTP';
    const domain = ctx.env.domain;
    if (protocol === 'HTTPS' && !domain)
      throw new Error(`workload ${ctx.workload}: an HTTPS listener without an environment domain`);
    let authorizer;
    if (api.authorizer) {
      const pool = ctx.lookup('userPool', api.authorizer.userPool);
      const clientId = (name: string) => {
        const id = pool.attributes?.[`client:${name}`];
        if (!id)
          throw new Error(`workload ${ctx.workload}: user pool has no client ${name} (provided)`);
        return id;
      };
      authorizer = {
        issuer: pool.attributes!.issuer!,
        audience: api.authorizer.clients.map(clientId),
        scopes: api.authorizer.scopes,
      };
    }
    const gateway = new HttpApiGateway(ctx.scope, 'http-api', {
      name: api.name,
      vpcId: ctx.network.vpcId,
      subnetIds: ctx.network.privateSubnetIds,
      securityGroupName: resourceName('securityGroup', { ...ctx.nameParts, kind: 'http-api' }),
      target: {
        listenerArn: alb.listenerArn,
        securityGroupId: alb.securityGroupId,
        port: protocol === 'HTTPS' ? 443 : 80,
        protocol,
        // The shared ALB's certificate is for *.<domain>: any one label under it verifies.
        ...(protocol === 'HTTPS' ? { serverName: `${ctx.workload}.${domain!.name}` } : {}),
      },
      routePaths: api.routes.map((r) => r.path),
      ...(authorizer ? { authorizer } : {}),
      throttling: api.throttling,
      accessLog: {
        // Under /<prefix>/<env>/: the environment's log groups, which its CI roles may manage.
        logGroupName: `/${ctx.nameParts.prefix}/${ctx.nameParts.env}/${ctx.workload}/http-api`,
        retentionDays: api.accessLogs.retentionDays,
      },
      ...(api.domain ? { domain: api.domain } : {}),
      ...(api.cors ? { cors: api.cors } : {}),
    });
    ctx.provide({
      kind: HTTP_API_KIND,
      name: 'api',
      arn: gateway.api.arn,
      attributes: {
        url: gateway.url,
        apiId: gateway.api.id,
        apiEndpoint: gateway.api.apiEndpoint,
      },
    });
  },
};
