/** @type {import('jest').Config} */
module.exports = require('../../jest.preset.js')(__dirname, {
  setupFiles: [require('node:path').join(__dirname, 'jest.console.js')],
});
