import { COMMENT_MARKER } from './comment';
import { upsertComment } from './github';
import { FakeGitHub } from './testing/fake-github';

const TOKEN = 'ghs_test_token';
let gh: FakeGitHub;
let apiUrl: string;

beforeEach(async () => {
  gh = new FakeGitHub(TOKEN, 2);
  apiUrl = await gh.start();
});
afterEach(() => gh.stop());

const upsert = (body: string, issueNumber = 7) =>
  upsertComment({ token: TOKEN, apiUrl, repo: 'acme/infra', issueNumber, body });

describe('upsertComment against a fake GitHub API', () => {
  test('first run creates the comment, second run updates the same one in place', async () => {
    const first = await upsert(`${COMMENT_MARKER}\nplan v1`);
    expect(first.action).toBe('created');
    expect(gh.comments).toHaveLength(1);

    const second = await upsert(`${COMMENT_MARKER}\nplan v2`);
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0].body).toBe(`${COMMENT_MARKER}\nplan v2`);
    expect(gh.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'PATCH']);
    expect(gh.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  test('finds the marked comment on a later page and leaves other bot and human comments alone', async () => {
    gh.add(7, 'LGTM', 'alice');
    gh.add(7, '<!-- other-bot -->\ncoverage 91%');
    gh.add(7, 'Terraform plan (an older tool, no marker)');
    gh.add(7, 'please rebase', 'bob');
    const mine = gh.add(7, `${COMMENT_MARKER}\nold plan`);
    gh.add(8, `${COMMENT_MARKER}\nanother PR's plan`);
    const before = gh.comments.map((c) => ({ ...c }));

    const res = await upsert(`${COMMENT_MARKER}\nnew plan`);
    expect(res).toMatchObject({ action: 'updated', id: mine.id });
    // three pages of two were read, following the Link header
    expect(gh.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([
      '/api/v3/repos/acme/infra/issues/7/comments?per_page=100',
      '/api/v3/repos/acme/infra/issues/7/comments?per_page=100&page=2',
      '/api/v3/repos/acme/infra/issues/7/comments?per_page=100&page=3',
    ]);
    for (const c of gh.comments) {
      const was = before.find((b) => b.id === c.id)!;
      if (c.id === mine.id) expect(c.body).toBe(`${COMMENT_MARKER}\nnew plan`);
      else expect(c).toEqual(was);
    }
  });

  test('a person quoting the marker is not edited; with author, only that login counts', async () => {
    const quote = gh.add(7, `why does ${COMMENT_MARKER} say so?`, 'alice');
    const res = await upsert(`${COMMENT_MARKER}\nplan`);
    expect(res.action).toBe('created');
    expect(gh.comments.find((c) => c.id === quote.id)!.body).toBe(
      `why does ${COMMENT_MARKER} say so?`,
    );

    const mine = gh.add(7, `${COMMENT_MARKER}\nby a personal token`, 'ci-user');
    const viaPat = await upsertComment({
      token: TOKEN,
      apiUrl,
      repo: 'acme/infra',
      issueNumber: 7,
      body: `${COMMENT_MARKER}\nv2`,
      author: 'ci-user',
    });
    expect(viaPat).toMatchObject({ action: 'updated', id: mine.id });
  });

  test('an unchanged body is not written again', async () => {
    await upsert(`${COMMENT_MARKER}\nsame`);
    const res = await upsert(`${COMMENT_MARKER}\nsame`);
    expect(res.action).toBe('unchanged');
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
  });

  test('a body without the marker gets it, so the next run finds the comment', async () => {
    await upsert('plain');
    expect(gh.comments[0].body).toBe(`${COMMENT_MARKER}\nplain`);
    expect((await upsert('plain 2')).action).toBe('updated');
  });

  test('API errors surface with status and message', async () => {
    await expect(
      upsertComment({ token: 'wrong', apiUrl, repo: 'acme/infra', issueNumber: 7, body: 'x' }),
    ).rejects.toThrow(/HTTP 401 .*Bad credentials/);
  });

  test('bad input names the field', async () => {
    await expect(
      upsertComment({ token: '', apiUrl, repo: 'acme/infra', issueNumber: 7, body: 'x' }),
    ).rejects.toThrow(/token/);
    await expect(
      upsertComment({ token: TOKEN, apiUrl, repo: 'acme', issueNumber: 7, body: 'x' }),
    ).rejects.toThrow(/repo: got "acme", must be "owner\/name"/);
    await expect(
      upsertComment({ token: TOKEN, apiUrl, repo: 'acme/infra', issueNumber: 0, body: 'x' }),
    ).rejects.toThrow(/issueNumber: got 0/);
    expect(gh.requests).toHaveLength(0);
  });
});
