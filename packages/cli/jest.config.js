/** @type {import('jest').Config} */
const path = require('node:path');
const preset = require('../../jest.preset.js')(__dirname);

module.exports = {
  ...preset,
  setupFiles: [path.join(__dirname, 'jest.console.js'), path.join(__dirname, 'jest.cwd.js')],
  setupFilesAfterEnv: [...preset.setupFilesAfterEnv, path.join(__dirname, 'jest.exit-code.js')],
};
