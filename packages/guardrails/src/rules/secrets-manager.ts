import { PolicyRule } from '../rule';

export const SECRETS_MANAGER_RULES: readonly PolicyRule[] = [
  {
    id: 'AM-SM-1',
    meaning:
      'Secrets Manager secrets are rotated (a warning: AutoMock creates none with rotation yet)',
    level: 'warning',
    productionLevel: 'warning',
    check: (stack) =>
      stack
        .resources('aws_secretsmanager_secret')
        .filter(
          (s) =>
            stack.attachedTo('aws_secretsmanager_secret_rotation', 'secret_id', s).length === 0,
        )
        .map((s) => ({
          address: s.address,
          message:
            'has no aws_secretsmanager_secret_rotation; its value stays the same until someone changes it',
        })),
  },
];
