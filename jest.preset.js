// One jest shape for every package: ts-jest in transpile-only mode (typecheck is its own turbo
// task), cdktf matchers installed, and a JSON result file that .ci/run sums into one line.
const path = require('node:path');

module.exports = function preset(dir, overrides = {}) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    roots: ['<rootDir>/src'],
    testMatch: ['**/*.test.ts'],
    transform: {
      '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(dir, 'tsconfig.json') }],
    },
    setupFilesAfterEnv: [path.join(__dirname, 'jest.setup.js')],
    testTimeout: 60_000,
    ...overrides,
  };
};
