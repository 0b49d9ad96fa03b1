// Flat config shared by every package. The restricted import keeps synthesis fast: the
// provider's root module loads ~1,500 resource classes (seconds, hundreds of MB).
// Packages lint their TypeScript (`eslint src`, through turbo); the root's `lint:js` lints every
// plain JavaScript file (scripts, bin/, jest configs, benchmarks), which no package build checks.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/cdktf.out/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/.automock/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cdktf/provider-aws',
              message:
                "Import provider classes by path (e.g. '@cdktf/provider-aws/lib/vpc'): the root loads every resource class.",
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    // CommonJS files load modules with require(); that is what they are.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
