import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { UserPool, type UserPoolProps } from './index';

const POLICY = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: false,
  requireNumbers: true,
  requireSymbols: false,
  temporaryPasswordValidityDays: 3,
};

function synth(props: Partial<UserPoolProps> = {}) {
  const s = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(s, 'aws', { region: 'eu-west-1' });
  const pool = new UserPool(s, 'Users', {
    poolName: 'automock-dev-shop-users',
    passwordPolicy: POLICY,
    mfa: 'optional',
    ...props,
  });
  const json = JSON.parse(Testing.synth(s));
  // Synthesis orders resources by their construct ids, so tests look them up by name.
  const all = (type: string): any[] => Object.values(json.resource[type] ?? {});
  const at = (type: string, name: string): any => all(type).find((r) => r.name === name);
  return { pool, all, at, one: (type: string) => all(type)[0] };
}

describe('UserPool', () => {
  test('users sign in by email, which Cognito verifies with a code; recovery only by that email', () => {
    const p = synth().one('aws_cognito_user_pool');
    expect(p.name).toBe('automock-dev-shop-users');
    expect(p.username_attributes).toEqual(['email']);
    expect(p.auto_verified_attributes).toEqual(['email']);
    expect(p.verification_message_template.default_email_option).toBe('CONFIRM_WITH_CODE');
    expect(p.account_recovery_setting.recovery_mechanism).toEqual([
      { name: 'verified_email', priority: 1 },
    ]);
  });

  test('the password policy is passed through', () => {
    expect(synth().one('aws_cognito_user_pool').password_policy).toEqual({
      minimum_length: 12,
      require_lowercase: true,
      require_uppercase: false,
      require_numbers: true,
      require_symbols: false,
      temporary_password_validity_days: 3,
    });
  });

  test('MFA: TOTP when optional or on, nothing when off', () => {
    for (const [mfa, conf] of [
      ['optional', 'OPTIONAL'],
      ['on', 'ON'],
    ] as const) {
      const p = synth({ mfa }).one('aws_cognito_user_pool');
      expect([p.mfa_configuration, p.software_token_mfa_configuration]).toEqual([
        conf,
        { enabled: true },
      ]);
    }
    const off = synth({ mfa: 'off' }).one('aws_cognito_user_pool');
    expect(off.mfa_configuration).toBe('OFF');
    expect(off.software_token_mfa_configuration).toBeUndefined();
  });

  test('deletion protection is ACTIVE only when asked', () => {
    expect(synth().one('aws_cognito_user_pool').deletion_protection).toBe('INACTIVE');
    expect(
      synth({ deletionProtection: true }).one('aws_cognito_user_pool').deletion_protection,
    ).toBe('ACTIVE');
  });

  test('groups in the pool', () => {
    const groups = synth({
      groups: [{ name: 'test' }, { name: 'admin', description: 'Admins', precedence: 0 }],
    }).all('aws_cognito_user_group');
    expect(groups.map((g) => [g.name, g.description, g.precedence]).sort()).toEqual([
      ['admin', 'Admins', 0],
      ['test', undefined, undefined],
    ]);
    expect(groups[0].user_pool_id).toMatch(/aws_cognito_user_pool\..*\.id/);
  });

  test('a public client has no secret and uses the code flow; a server client has a secret and no OAuth', () => {
    const { at } = synth({
      clients: [
        {
          key: 'web',
          name: 'automock-dev-shop-web',
          public: true,
          callbackUrls: ['https://app.example.com/cb'],
          logoutUrls: ['https://app.example.com/'],
        },
        { key: 'api', name: 'automock-dev-shop-api', public: false },
      ],
    });
    const web = at('aws_cognito_user_pool_client', 'automock-dev-shop-web');
    const api = at('aws_cognito_user_pool_client', 'automock-dev-shop-api');
    expect(web).toMatchObject({
      generate_secret: false,
      allowed_oauth_flows_user_pool_client: true,
      allowed_oauth_flows: ['code'],
      allowed_oauth_scopes: ['openid', 'email', 'profile'],
      callback_urls: ['https://app.example.com/cb'],
      logout_urls: ['https://app.example.com/'],
      supported_identity_providers: ['COGNITO'],
      prevent_user_existence_errors: 'ENABLED',
    });
    expect(api.generate_secret).toBe(true);
    expect(api.allowed_oauth_flows_user_pool_client).toBe(false);
    expect(api.allowed_oauth_flows).toBeUndefined();
  });

  test('a hosted UI domain only when given a prefix', () => {
    expect(synth().all('aws_cognito_user_pool_domain')).toEqual([]);
    const d = synth({ domainPrefix: 'shop-login' }).one('aws_cognito_user_pool_domain');
    expect(d.domain).toBe('shop-login');
  });

  test('grants name actions one by one, on this pool only; the issuer is the pool endpoint', () => {
    const { pool } = synth();
    const g = pool.grants();
    for (const st of [...g.read, ...g.write]) {
      expect(st.Resource).toBe(pool.arn);
      for (const a of st.Action as string[]) expect(a).not.toMatch(/\*/);
    }
    expect(g.write.flatMap((s) => s.Action)).toContain('cognito-idp:AdminCreateUser');
    expect(g.read.flatMap((s) => s.Action)).not.toContain('cognito-idp:AdminCreateUser');
    expect(pool.issuer.startsWith('https://')).toBe(true);
  });
});
