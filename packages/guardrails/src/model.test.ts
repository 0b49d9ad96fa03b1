import { resourceCount } from './model';

describe('resourceCount', () => {
  it('counts every named resource of every type, and no data source', () => {
    expect(
      resourceCount({
        resource: { aws_s3_bucket: { a: {}, b: {} }, aws_iam_role: { r: {} } },
        data: { aws_iam_policy_document: { d: {} } },
      }),
    ).toBe(3);
    expect(resourceCount({ data: { aws_caller_identity: { me: {} } } })).toBe(0);
    expect(resourceCount({})).toBe(0);
  });
});
