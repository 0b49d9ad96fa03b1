// Flat config shared by every package. The restricted import keeps synthesis fast: the
// provider's root module loads ~1,500 resource classes (seconds, hundreds of MB).
// Packages lint their TypeScript (`eslint src`, through turbo); the root's `lint:js` lints every
// plain JavaScript file (scripts, bin/, jest configs, benchmarks), which no package build checks.
import js from '@eslint/js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Packages meet only through their public entry points (the `exports` map of each package.json):
// an import of another package's dist/ or src/, or a relative path into another package, is
// refused wherever a module is named (import, export from, require, import(), import types).
const INTERNAL = /^@automock\/[^/]+\/(dist|src)(\/|$)/;
const WORKSPACE_ROOT = dirname(fileURLToPath(import.meta.url));
const packageRoots = new Map();
function packageRootOf(dir) {
  if (!packageRoots.has(dir)) {
    const parent = dirname(dir);
    packageRoots.set(
      dir,
      existsSync(resolve(dir, 'package.json')) || parent === dir ? dir : packageRootOf(parent),
    );
  }
  return packageRoots.get(dir);
}
const packageBoundaries = {
  meta: {
    type: 'problem',
    docs: {
      description: 'import other packages by name through their exports, never their internals',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const check = (node) => {
      const spec = node && typeof node.value === 'string' ? node.value : undefined;
      if (!spec) return;
      if (INTERNAL.test(spec)) {
        context.report({
          node,
          message: `'${spec}' reaches into a package's build or sources: import '${spec.split('/').slice(0, 2).join('/')}' or a subpath its package.json exports`,
        });
      } else if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const from = packageRootOf(dirname(file));
        const to = packageRootOf(dirname(target));
        // The repository root holds the shared configuration (jest preset, tsconfig base).
        if (to !== from && to !== WORKSPACE_ROOT && !target.startsWith(`${from}/node_modules/`))
          context.report({
            node,
            message: `'${spec}' is a path into another package: import it by its name through its exports`,
          });
      }
    };
    const isRequire = (callee) =>
      (callee.type === 'Identifier' && callee.name === 'require') ||
      (callee.type === 'MemberExpression' &&
        callee.object.type === 'Identifier' &&
        callee.object.name === 'require' &&
        callee.property.type === 'Identifier' &&
        callee.property.name === 'resolve');
    return {
      ImportDeclaration: (n) => check(n.source),
      ExportNamedDeclaration: (n) => check(n.source),
      ExportAllDeclaration: (n) => check(n.source),
      ImportExpression: (n) => check(n.source),
      TSExternalModuleReference: (n) => check(n.expression),
      TSImportType: (n) => check(n.argument?.literal),
      CallExpression: (n) => {
        if (isRequire(n.callee)) check(n.arguments[0]);
      },
    };
  },
};

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
    plugins: { automock: { rules: { 'package-boundaries': packageBoundaries } } },
    rules: {
      'automock/package-boundaries': 'error',
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
