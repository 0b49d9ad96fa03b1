import { ConfigValidationError, formatIssue } from './errors';

/** A second copy of this module, as a bundle carrying its own core would hold. */
function otherCopy(): typeof import('./errors') {
  let copy: typeof import('./errors') | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    copy = require('./errors') as typeof import('./errors');
  });
  return copy!;
}

const issue = { field: 'environments.dev.vpcCidr', value: 'x', rule: 'must be a CIDR block' };

describe('ConfigValidationError', () => {
  it('names every issue in its message', () => {
    const e = new ConfigValidationError('environment', [issue]);
    expect(e.message).toBe(`Invalid environment (1 problem):\n  - ${formatIssue(issue)}`);
    expect(e.issues).toEqual([issue]);
  });

  it('is recognised by instanceof across copies of core, both ways', () => {
    const other = otherCopy();
    expect(other.ConfigValidationError).not.toBe(ConfigValidationError);
    expect(new other.ConfigValidationError('x', [issue])).toBeInstanceOf(ConfigValidationError);
    expect(new ConfigValidationError('x', [issue])).toBeInstanceOf(other.ConfigValidationError);
  });

  it('is not claimed by other errors, nor by lookalikes without the mark', () => {
    expect(new Error('x')).not.toBeInstanceOf(ConfigValidationError);
    const lookalike = Object.assign(new Error('x'), { name: 'ConfigValidationError', issues: [] });
    expect(lookalike).not.toBeInstanceOf(ConfigValidationError);
    for (const value of [null, undefined, 'x', 1, {}] as unknown[])
      expect(ConfigValidationError[Symbol.hasInstance](value)).toBe(false);
  });

  it('leaves subclasses to the prototype check', () => {
    class Narrower extends ConfigValidationError {}
    expect(new Narrower('x', [issue])).toBeInstanceOf(ConfigValidationError);
    expect(new Narrower('x', [issue])).toBeInstanceOf(Narrower);
    expect(new ConfigValidationError('x', [issue])).not.toBeInstanceOf(Narrower);
    expect(new (otherCopy().ConfigValidationError)('x', [issue])).not.toBeInstanceOf(Narrower);
  });
});
