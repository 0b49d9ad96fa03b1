// oclif writes through console.log; jest's buffered console would swallow it before
// @oclif/test's runCommand can capture process.stdout, so tests get a plain console.
const { Console } = require('node:console');
global.console = new Console({ stdout: process.stdout, stderr: process.stderr });
