// cdktf's toHaveResource/toHaveResourceWithProperties matchers, for every package that has cdktf.
try {
  require.resolve('cdktf');
  require('cdktf').Testing.setupJest();
} catch {
  // packages without cdktf (pure clients) have no construct matchers to install
}
