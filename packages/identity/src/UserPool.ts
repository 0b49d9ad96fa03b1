import type { PolicyStatement } from '@automock/core';
import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { Construct } from 'constructs';

/** Password rules. */
export interface UserPoolPasswordPolicy {
  /** Shortest password; AutoMock's floor is 8 (validated in core). */
  readonly minLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
  /** Days an administrator-set temporary password stays valid. */
  readonly temporaryPasswordValidityDays: number;
}

/** A user group. */
export interface UserPoolGroupProps {
  readonly name: string;
  /** @default - none */
  readonly description?: string;
  /** @default - none */
  readonly precedence?: number;
}

/** An app client. */
export interface UserPoolClientProps {
  /** Key of the client within the pool (construct id and {@link UserPool.clients} key). */
  readonly key: string;
  /** The client's name in Cognito. */
  readonly name: string;
  /** Public clients (browsers, mobile apps) get no secret; confidential ones get one. */
  readonly public: boolean;
  /** Hosted UI sign-in redirects; none turns OAuth off for the client. @default [] */
  readonly callbackUrls?: readonly string[];
  /** Hosted UI sign-out redirects. @default [] */
  readonly logoutUrls?: readonly string[];
  /** OAuth flows (`code`, `implicit`), with callback URLs only. @default ['code'] */
  readonly oauthFlows?: readonly string[];
  /** OAuth scopes, with callback URLs only. @default ['openid', 'email', 'profile'] */
  readonly oauthScopes?: readonly string[];
}

/** Props of {@link UserPool}. */
export interface UserPoolProps {
  /** The pool's name (`<prefix>-<env>-<workload>-<name>`). */
  readonly poolName: string;
  readonly passwordPolicy: UserPoolPasswordPolicy;
  /** TOTP MFA: off, optional per user, or required of everyone. */
  readonly mfa: 'off' | 'optional' | 'on';
  /** User groups. @default [] */
  readonly groups?: readonly UserPoolGroupProps[];
  /** App clients. @default [] */
  readonly clients?: readonly UserPoolClientProps[];
  /** Hosted UI domain prefix. @default - no hosted UI domain */
  readonly domainPrefix?: string;
  /** Refuse deletion of the pool while set. @default false */
  readonly deletionProtection?: boolean;
}

const MFA = { off: 'OFF', optional: 'OPTIONAL', on: 'ON' } as const;

/**
 * The user-management calls a backend makes for its users, listed one by one (never
 * `cognito-idp:Admin*`, which would also grant whatever admin calls AWS adds later).
 */
export const USER_POOL_WRITE_ACTIONS = [
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminConfirmSignUp',
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDeleteUserAttributes',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminResetUserPassword',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminUserGlobalSignOut',
] as const;

/** Reading users and groups. */
export const USER_POOL_READ_ACTIONS = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:GetGroup',
  'cognito-idp:ListGroups',
  'cognito-idp:ListUsers',
  'cognito-idp:ListUsersInGroup',
] as const;

/**
 * A Cognito user pool where users sign in with their email address, which Cognito verifies with
 * a code before the account is confirmed; accounts are recovered through that verified address
 * only (never SMS), and sign-in errors do not reveal whether a user exists.
 */
export class UserPool extends Construct {
  readonly pool: CognitoUserPool;
  /** The app clients, by {@link UserPoolClientProps.key}. */
  readonly clients: ReadonlyMap<string, CognitoUserPoolClient>;
  readonly groups: readonly CognitoUserGroup[];
  readonly domain?: CognitoUserPoolDomain;
  /** The pool's ARN (one token, so grants compare equal to it). */
  readonly arn: string;
  /** The pool's id. */
  readonly id: string;

  constructor(scope: Construct, id: string, props: UserPoolProps) {
    super(scope, id);
    const p = props.passwordPolicy;
    this.pool = new CognitoUserPool(this, 'Pool', {
      name: props.poolName,
      usernameAttributes: ['email'],
      autoVerifiedAttributes: ['email'],
      verificationMessageTemplate: { defaultEmailOption: 'CONFIRM_WITH_CODE' },
      accountRecoverySetting: {
        recoveryMechanism: [{ name: 'verified_email', priority: 1 }],
      },
      passwordPolicy: {
        minimumLength: p.minLength,
        requireLowercase: p.requireLowercase,
        requireUppercase: p.requireUppercase,
        requireNumbers: p.requireNumbers,
        requireSymbols: p.requireSymbols,
        temporaryPasswordValidityDays: p.temporaryPasswordValidityDays,
      },
      mfaConfiguration: MFA[props.mfa],
      // Cognito refuses OPTIONAL or ON without a second factor configured: TOTP apps here.
      ...(props.mfa !== 'off' ? { softwareTokenMfaConfiguration: { enabled: true } } : {}),
      deletionProtection: props.deletionProtection ? 'ACTIVE' : 'INACTIVE',
    });
    this.arn = this.pool.arn;
    this.id = this.pool.id;
    this.groups = (props.groups ?? []).map(
      (g) =>
        new CognitoUserGroup(this, `Group-${g.name}`, {
          userPoolId: this.pool.id,
          name: g.name,
          ...(g.description !== undefined ? { description: g.description } : {}),
          ...(g.precedence !== undefined ? { precedence: g.precedence } : {}),
        }),
    );
    const clients = new Map<string, CognitoUserPoolClient>();
    for (const c of props.clients ?? []) {
      const callbackUrls = [...(c.callbackUrls ?? [])];
      const oauth = callbackUrls.length > 0;
      clients.set(
        c.key,
        new CognitoUserPoolClient(this, `Client-${c.key}`, {
          name: c.name,
          userPoolId: this.pool.id,
          generateSecret: !c.public,
          explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          preventUserExistenceErrors: 'ENABLED',
          enableTokenRevocation: true,
          supportedIdentityProviders: ['COGNITO'],
          allowedOauthFlowsUserPoolClient: oauth,
          ...(oauth
            ? {
                callbackUrls,
                logoutUrls: [...(c.logoutUrls ?? [])],
                allowedOauthFlows: [...(c.oauthFlows ?? ['code'])],
                allowedOauthScopes: [...(c.oauthScopes ?? ['openid', 'email', 'profile'])],
              }
            : {}),
        }),
      );
    }
    this.clients = clients;
    if (props.domainPrefix !== undefined) {
      this.domain = new CognitoUserPoolDomain(this, 'Domain', {
        domain: props.domainPrefix,
        userPoolId: this.pool.id,
      });
    }
  }

  /** The pool's JWT issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
  get issuer(): string {
    return `https://${this.pool.endpoint}`;
  }

  /** Reading users and groups, or managing them, on this pool only. */
  grants(): { read: PolicyStatement[]; write: PolicyStatement[] } {
    const read: PolicyStatement = {
      Effect: 'Allow',
      Action: [...USER_POOL_READ_ACTIONS],
      Resource: this.arn,
    };
    return {
      read: [read],
      write: [read, { Effect: 'Allow', Action: [...USER_POOL_WRITE_ACTIONS], Resource: this.arn }],
    };
  }
}
