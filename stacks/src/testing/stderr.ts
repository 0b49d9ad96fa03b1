/**
 * What a synthesis printed on stderr, less the one warning Node.js 22 and later print about
 * cdktf's own code: cdktf 0.21 calls util.isArray, deprecated at run time from Node.js 22
 * (DEP0044). Everything else is kept, so a test expecting '' still fails on any other output.
 */
export function ownStderr(stderr: string): string {
  return stderr.replace(
    /^\(node:\d+\) \[DEP0044\] DeprecationWarning: .*\n(?:\(Use `node --trace-deprecation \.\.\.` to show where the warning was created\)\n)?/gm,
    '',
  );
}
