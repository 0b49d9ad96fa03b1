// Every test file starts in this package's directory, through process.chdir. The stack-builder
// bundle is run in the worker's own context (for V8's code cache), so the graceful-fs inside it
// patches the worker's real process.cwd with a cached value that outlives the test file that
// loaded it; a file that loaded it from a temporary directory left the next file of the worker
// reading that (deleted) directory from process.cwd(). Only process.chdir resets such caches.
process.chdir(__dirname);
