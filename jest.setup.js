// cdktf's toHaveResource/toHaveResourceWithProperties matchers, for every package that has cdktf.
try {
  require.resolve('cdktf');
  require('cdktf').Testing.setupJest();
} catch {
  // packages without cdktf (pure clients) have no construct matchers to install
}

// Tests that need a binary (terraform, jq) say why they skip with console.warn at the top of the
// file; jest drops the console output of a file whose tests were all skipped, so warnings go
// straight to stderr and always reach the CI log.
console.warn = (...args) => {
  process.stderr.write(`${require('node:util').format(...args)}\n`);
};
