// Preloaded into every node process of a benchmarked command (NODE_OPTIONS=--require): appends
// the process's peak RSS in KiB and its CPU time (user + system) in microseconds to
// $AUTOMOCK_RSS_FILE at exit, so a command's peak and CPU over all of its node descendants can be
// read without GNU time.
const { appendFileSync } = require('node:fs');
const file = process.env.AUTOMOCK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      appendFileSync(file, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}\n`);
    } catch {
      // the benchmark reports a missing figure rather than failing the measured command
    }
  });
}
