// Preloaded into every node process of a benchmarked command (NODE_OPTIONS=--require): appends
// the process's peak RSS in KiB to $AUTOMOCK_RSS_FILE at exit, so a command's peak over all of its
// node descendants can be read without GNU time.
const { appendFileSync } = require('node:fs');
const file = process.env.AUTOMOCK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // the benchmark reports a missing figure rather than failing the measured command
    }
  });
}
