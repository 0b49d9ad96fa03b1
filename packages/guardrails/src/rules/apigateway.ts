import { asList } from '../model';
import { errorRule, PolicyRule } from '../rule';

const STAGE = 'aws_apigatewayv2_stage';
const ROUTE = 'aws_apigatewayv2_route';
const DOMAIN = 'aws_apigatewayv2_domain_name';

type Block = Record<string, unknown>;
const first = (v: unknown): Block | undefined => asList<Block>(v)[0];
const set = (v: unknown) => v !== undefined && v !== null && v !== '';

/** Issue 14's httpApi section: rules for API Gateway HTTP APIs (apigatewayv2). */
export const APIGATEWAY_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-APIGW-1',
    'API Gateway stages write an access log (access_log_settings with a destination and a format)',
    // Without it nothing records who called the API and what it answered: the only trace of a
    // request an authorizer refused, or of abuse the throttling cut off.
    (stack) =>
      stack
        .resources(STAGE)
        .filter((s) => {
          const log = first(s.body.access_log_settings);
          return !log || !set(log.destination_arn) || !set(log.format);
        })
        .map((s) => ({
          address: s.address,
          message:
            'has no access_log_settings (destination_arn and format): requests go unrecorded',
        })),
  ),
  errorRule(
    'AM-APIGW-2',
    "API Gateway stages throttle their default route (default_route_settings' burst and rate limits)",
    // Unset, a stage takes the account's regional quota (10,000 requests per second): one API's
    // runaway client then throttles every other API of the account, and bills per request.
    (stack) =>
      stack
        .resources(STAGE)
        .filter((s) => {
          const r = first(s.body.default_route_settings);
          return !r || !set(r.throttling_burst_limit) || !set(r.throttling_rate_limit);
        })
        .map((s) => ({
          address: s.address,
          message:
            'sets no default_route_settings throttling_burst_limit and throttling_rate_limit: the account-wide quota is its only limit',
        })),
  ),
  errorRule(
    'AM-APIGW-3',
    'API Gateway custom domain names require TLS 1.2 (security_policy TLS_1_2)',
    // TLS_1_0 also accepts TLS 1.0 and 1.1, both deprecated (RFC 8996).
    (stack) =>
      stack
        .resources(DOMAIN)
        .filter((d) => first(d.body.domain_name_configuration)?.security_policy !== 'TLS_1_2')
        .map((d) => ({
          address: d.address,
          message: `uses security_policy ${String(first(d.body.domain_name_configuration)?.security_policy ?? '(unset)')}; set TLS_1_2`,
        })),
  ),
  errorRule(
    'AM-APIGW-4',
    'API Gateway routes have an authorizer (JWT, Lambda or IAM); an open API needs a suppression giving the reason',
    // An HTTP API is on the internet: a route without an authorizer lets anyone reach the
    // service behind it, past the VPC link.
    (stack) =>
      stack
        .resources(ROUTE)
        .filter((r) => {
          const t = r.body.authorization_type;
          return t === undefined || t === 'NONE';
        })
        .map((r) => ({
          address: r.address,
          message: `route ${String(r.body.route_key ?? '')} has no authorizer (authorization_type ${String(r.body.authorization_type ?? 'NONE')})`,
        })),
  ),
];
