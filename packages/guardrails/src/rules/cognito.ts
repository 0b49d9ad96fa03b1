import { MIN_PASSWORD_LENGTH, redirectUrlProblem } from '@automock/core';
import { asList } from '../model';
import { errorRule, PolicyRule } from '../rule';

const POOL = 'aws_cognito_user_pool';
const CLIENT = 'aws_cognito_user_pool_client';

/** Issue 14's identity section: rules for Cognito user pools and their app clients. */
export const COGNITO_RULES: readonly PolicyRule[] = [
  {
    id: 'AM-COG-1',
    meaning: 'Cognito user pools in production have deletion protection (ACTIVE)',
    // A pool's users and their passwords cannot be restored once it is deleted; outside
    // production, pools come and go with their environments.
    level: 'off',
    productionLevel: 'error',
    check: (stack) =>
      stack
        .resources(POOL)
        .filter((p) => p.body.deletion_protection !== 'ACTIVE')
        .map((p) => ({
          address: p.address,
          message: 'has no deletion_protection = "ACTIVE"',
        })),
  },
  errorRule(
    'AM-COG-2',
    `Cognito user pools require passwords of at least ${MIN_PASSWORD_LENGTH} characters`,
    (stack) =>
      stack
        .resources(POOL)
        .filter((p) => {
          const min = asList(p.body.password_policy)[0]?.minimum_length;
          // Without a policy Cognito applies its own default of 8; a token is checked at plan.
          return typeof min === 'number' && min < MIN_PASSWORD_LENGTH;
        })
        .map((p) => ({
          address: p.address,
          message: `sets password_policy.minimum_length below ${MIN_PASSWORD_LENGTH}`,
        })),
  ),
  errorRule(
    'AM-COG-3',
    'Cognito app clients redirect only to https:// URLs (http:// only for localhost)',
    (stack) =>
      stack.resources(CLIENT).flatMap((c) =>
        [...asList<unknown>(c.body.callback_urls), ...asList<unknown>(c.body.logout_urls)]
          .filter((u): u is string => typeof u === 'string' && !u.startsWith('${'))
          .map((u) => [u, redirectUrlProblem(u)] as const)
          .filter(([, problem]) => problem !== undefined)
          .map(([u, problem]) => ({
            address: c.address,
            message: `redirects to ${u}: ${problem}`,
          })),
      ),
  ),
];
