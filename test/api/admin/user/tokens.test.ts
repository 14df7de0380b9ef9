// The PAT routes, rule by rule, as pat-api.md states them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../../../helpers/assertions.js';
import {
  type Harness,
  inDays,
  json,
  startHarness,
  type TestUser,
} from '../../../helpers/harness.js';

const URL = '/api/admin/user/tokens';
const TOKEN_FORMAT = /^user:v2_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface PatBody {
  id: number;
  description: string;
  expiresAt: string;
  userId: number;
  createdAt: string;
  seenAt: string | null;
  expiryWarning?: string;
  secret?: string;
}
let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

describe('POST /api/admin/user/tokens', () => {
  let owner: TestUser;
  before(async () => {
    owner = await h.signedIn('Viewer');
  });

  test('201 with the token, keys in Unleash order, Location header and a v2 secret', async () => {
    const expiresAt = '2099-05-01T10:00:00+02:00';
    const response = await h.createPat(
      { cookie: owner.cookie },
      { description: 'deploy', expiresAt },
    );
    assert.equal(response.statusCode, 201, response.body);
    const body = json<PatBody>(response);
    assert.deepEqual(Object.keys(body), [
      'id',
      'description',
      'expiresAt',
      'userId',
      'createdAt',
      'seenAt',
      'secret',
      // Unlatch's own keys (spec/scopes.md), after all of Unleash's.
      'scopes',
      'audiences',
    ]);
    assert.equal(body.description, 'deploy');
    assert.equal(
      body.expiresAt,
      '2099-05-01T08:00:00.000Z',
      're-serialised to UTC with milliseconds',
    );
    assert.equal(body.userId, owner.user.id);
    assert.match(body.createdAt, ISO_MS);
    assert.equal(body.seenAt, null);
    assert.match(body.secret ?? '', TOKEN_FORMAT);
    assert.equal(response.headers.location, `/api/admin/user/tokens/${body.id}`);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('fields other than description and expiresAt are ignored', async () => {
    const response = await h.request({
      method: 'POST',
      url: URL,
      auth: { cookie: owner.cookie },
      body: {
        description: 'ignored fields',
        expiresAt: inDays(5),
        id: 999999,
        secret: 'user:mine',
        userId: 424242,
        createdAt: '2000-01-01T00:00:00Z',
      },
    });
    assert.equal(response.statusCode, 201);
    const body = json<PatBody>(response);
    assert.notEqual(body.id, 999999);
    assert.notEqual(body.secret, 'user:mine');
    assert.equal(body.userId, owner.user.id);
    assert.notEqual(body.createdAt, '2000-01-01T00:00:00.000Z');
  });

  test('ids come from one increasing sequence across users', async () => {
    const other = await h.signedIn('Editor');
    const a = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    const b = json<PatBody>(await h.createPat({ cookie: other.cookie }));
    const c = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    assert.ok(a.id < b.id && b.id < c.id);
    // Deleted ids are never reused.
    await h.request({ method: 'DELETE', url: `${URL}/${c.id}`, auth: { cookie: owner.cookie } });
    const d = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    assert.ok(d.id > c.id);
  });

  describe('order of checks', () => {
    test('1. a body that is not JSON: 415, naming the content-type', async () => {
      const auth = { cookie: owner.cookie };
      const text = await h.request({
        method: 'POST',
        url: URL,
        auth,
        body: 'description=x',
        headers: { 'content-type': 'text/plain' },
      });
      assertError(
        text,
        415,
        'ContentTypeError',
        /^We do not accept the content-type you provided \(text\/plain\)\./,
      );
      const none = await h.request({ method: 'POST', url: URL, auth });
      assertError(
        none,
        415,
        'ContentTypeError',
        /^We do not accept the content-type you provided \(you didn't provide one\)\./,
      );
      const form = await h.request({
        method: 'POST',
        url: URL,
        auth,
        body: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assertError(form, 415, 'ContentTypeError');
    });

    test('1. JSON with parameters in the content-type is accepted', async () => {
      const response = await h.request({
        method: 'POST',
        url: URL,
        auth: { cookie: owner.cookie },
        body: { description: 'with charset', expiresAt: inDays(3) },
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      assert.equal(response.statusCode, 201);
    });

    test('2. a body over 100 kB: 413; malformed JSON: 400', async () => {
      const big = await h.request({
        method: 'POST',
        url: URL,
        auth: { cookie: owner.cookie },
        body: { description: 'x'.repeat(101 * 1024), expiresAt: inDays(1) },
      });
      assertError(big, 413, 'ContentTooLargeError');
      const broken = await h.request({
        method: 'POST',
        url: URL,
        auth: { cookie: owner.cookie },
        body: '{"description": "x",',
      });
      assertError(broken, 400, 'BadDataError');
      const empty = await h.request({
        method: 'POST',
        url: URL,
        auth: { cookie: owner.cookie },
        body: '',
        headers: { 'content-type': 'application/json' },
      });
      assertError(empty, 400, 'BadDataError');
    });

    test('2. a body just under 100 kB is read: its 90 kB description meets the 16 KiB rule, not a 413', async () => {
      // Issue 9: descriptions far beyond Unleash's 10,000 characters only fill the event log.
      const description = `long ${'y'.repeat(90 * 1024)}`;
      const response = await h.createPat({ cookie: owner.cookie }, { description });
      assertError(response, 400, 'BadDataError', /too long: at most 16 KiB/);
      const kept = `long ${'y'.repeat(10_000)}`;
      const stored = await h.createPat({ cookie: owner.cookie }, { description: kept });
      assert.equal(stored.statusCode, 201);
      assert.equal(json<PatBody>(stored).description, kept);
    });

    test("3. schema: every problem listed in details, with Unleash's wording for a missing field", async () => {
      const response = await h.request({
        method: 'POST',
        url: URL,
        auth: { cookie: owner.cookie },
        body: {},
      });
      const body = assertError(
        response,
        400,
        'BadDataError',
        'Request validation failed: your request body or params contain invalid data. Refer to the `details` list for more information.',
      );
      assert.deepEqual(body.details, [
        {
          path: '/body/description',
          message:
            'The `/body/description` property is required. It was not present on the data you sent.',
        },
        {
          path: '/body/expiresAt',
          message:
            'The `/body/expiresAt` property is required. It was not present on the data you sent.',
        },
      ]);
    });

    for (const [label, expiresAt] of [
      ['date only', '2099-01-01'],
      ['no time zone', '2099-01-01T10:00:00'],
      ['impossible date', '2099-02-30T10:00:00Z'],
      ['year 10000', '10000-01-01T00:00:00Z'],
      ['a number', 4102444800000],
      ['null', null],
      ['words', 'tomorrow'],
      ['an empty string', ''],
      ['a leap second', '2098-12-31T23:59:60Z'],
    ] as const) {
      test(`3. expiresAt as ${label} is rejected with 400`, async () => {
        const response = await h.createPat(
          { cookie: owner.cookie },
          { description: `bad date ${label}`, expiresAt: expiresAt as string },
        );
        const body = assertError(response, 400, 'BadDataError');
        assert.ok(
          body.details.some((detail) => /expiresAt/.test(`${detail.path} ${detail.message}`)),
          JSON.stringify(body.details),
        );
      });
    }

    test('3. a description that is not a string, and a body that is not an object', async () => {
      for (const description of [42, null, true, ['a'], { a: 1 }]) {
        const response = await h.request({
          method: 'POST',
          url: URL,
          auth: { cookie: owner.cookie },
          body: { description, expiresAt: inDays(1) },
        });
        const body = assertError(response, 400, 'BadDataError');
        assert.equal(body.details[0]?.path, '/body/description');
      }
      for (const raw of ['null', '[]', '"text"', '7']) {
        const response = await h.request({
          method: 'POST',
          url: URL,
          auth: { cookie: owner.cookie },
          body: raw,
        });
        assertError(response, 400, 'BadDataError');
      }
    });

    test('4. empty or whitespace-only description: 400 "PAT description cannot be empty."', async () => {
      for (const description of ['', '   ', '\t\n']) {
        const response = await h.createPat({ cookie: owner.cookie }, { description });
        assertError(response, 400, 'BadDataError', 'PAT description cannot be empty.');
      }
    });

    test('4. NUL characters and broken unicode: 400, never a 500', async () => {
      for (const raw of [
        '{"description":"a\\u0000b","expiresAt":"2099-01-01T00:00:00Z"}',
        '{"description":"\\ud800x","expiresAt":"2099-01-01T00:00:00Z"}',
      ]) {
        const response = await h.request({
          method: 'POST',
          url: URL,
          auth: { cookie: owner.cookie },
          body: raw,
        });
        assertError(response, 400, 'BadDataError');
      }
    });

    test('4. unicode, quotes and SQL metacharacters are stored verbatim', async () => {
      const description = `O'Brien"; DROP TABLE users; -- 🔑 ñ 中文 \\ %_`;
      const created = json<PatBody>(await h.createPat({ cookie: owner.cookie }, { description }));
      assert.equal(created.description, description);
      const list = json<{ pats: PatBody[] }>(
        await h.request({ method: 'GET', url: URL, auth: { cookie: owner.cookie } }),
      );
      assert.ok(list.pats.some((pat) => pat.description === description));
    });

    test('5. expiresAt not in the future: 400 "The expiry date should be in future."', async () => {
      for (const expiresAt of [
        inDays(-1),
        new Date(Date.now() - 1000).toISOString(),
        '1970-01-01T00:00:00Z',
      ]) {
        const response = await h.createPat({ cookie: owner.cookie }, { expiresAt });
        assertError(response, 400, 'BadDataError', 'The expiry date should be in future.');
      }
    });

    test('a far-future date is fine', async () => {
      const response = await h.createPat(
        { cookie: owner.cookie },
        { expiresAt: '9999-12-31T23:59:59.999Z' },
      );
      assert.equal(response.statusCode, 201);
      assert.equal(json<PatBody>(response).expiresAt, '9999-12-31T23:59:59.999Z');
    });
  });
});

describe('limit and uniqueness', () => {
  test('6. at the limit: 403 OperationDeniedError; expired tokens do not count', async () => {
    const limited = await startHarness({ PAT_LIMIT: '3' });
    try {
      const { cookie, user } = await limited.signedIn();
      for (let i = 0; i < 3; i++)
        assert.equal((await limited.createPat({ cookie })).statusCode, 201);
      const over = await limited.createPat({ cookie });
      assertError(
        over,
        403,
        'OperationDeniedError',
        'Too many PATs (3) already exist for this user.',
      );
      // 6 before 7: a duplicate description at the limit is still a 403.
      const duplicateAtLimit = await limited.createPat({ cookie }, { description: 'token dup' });
      assert.equal(duplicateAtLimit.statusCode, 403);
      // Expire one in the database: the user may create again.
      await limited.db.query(
        "UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = (SELECT min(id) FROM personal_access_tokens WHERE user_id = $1)",
        [user.id],
      );
      assert.equal((await limited.createPat({ cookie })).statusCode, 201);
    } finally {
      await limited.close();
    }
  });

  test('7. same description for the same user: 409; case-sensitive; other users may reuse it', async () => {
    const a = await h.signedIn();
    const b = await h.signedIn();
    assert.equal(
      (await h.createPat({ cookie: a.cookie }, { description: 'shared' })).statusCode,
      201,
    );
    assertError(
      await h.createPat({ cookie: a.cookie }, { description: 'shared' }),
      409,
      'NameExistsError',
      'PAT description already exists.',
    );
    assert.equal(
      (await h.createPat({ cookie: a.cookie }, { description: 'Shared' })).statusCode,
      201,
    );
    assert.equal(
      (await h.createPat({ cookie: b.cookie }, { description: 'shared' })).statusCode,
      201,
    );
  });

  test('20 parallel creates for one user end with exactly the limit', async () => {
    const { cookie, user } = await h.signedIn();
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.createPat({ cookie }, { description: `parallel ${i}` }),
      ),
    );
    const codes = responses.map((response) => response.statusCode).sort();
    assert.equal(codes.filter((code) => code === 201).length, 10, codes.join(','));
    assert.equal(codes.filter((code) => code === 403).length, 10, codes.join(','));
    const [row] = await h.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM personal_access_tokens WHERE user_id = $1',
      [user.id],
    );
    assert.equal(row?.n, 10);
  });

  test('5 parallel creates with one description: one 201 and four 409', async () => {
    const { cookie } = await h.signedIn();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => h.createPat({ cookie }, { description: 'race' })),
    );
    const codes = responses.map((response) => response.statusCode).sort();
    assert.deepEqual(codes, [201, 409, 409, 409, 409]);
  });
});

describe('GET /api/admin/user/tokens', () => {
  test("only the caller's tokens, ascending id, keys in order, never a secret", async () => {
    const me = await h.signedIn();
    const other = await h.signedIn();
    await h.createPat({ cookie: other.cookie });
    const first = json<PatBody>(await h.createPat({ cookie: me.cookie }, { description: 'first' }));
    const second = json<PatBody>(
      await h.createPat({ cookie: me.cookie }, { description: 'second' }),
    );
    const response = await h.request({ method: 'GET', url: URL, auth: { cookie: me.cookie } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    const { pats } = json<{ pats: PatBody[] }>(response);
    assert.deepEqual(
      pats.map((pat) => pat.id),
      [first.id, second.id],
    );
    for (const pat of pats) {
      assert.deepEqual(Object.keys(pat), [
        'id',
        'description',
        'expiresAt',
        'userId',
        'createdAt',
        'seenAt',
        'scopes',
        'audiences',
      ]);
      assert.equal(pat.userId, me.user.id);
    }
    assert.ok(!response.body.includes(first.secret as string));
    assert.ok(!/secret|verifier|selector/i.test(response.body));
  });

  test('an empty list is {"pats":[]}', async () => {
    const me = await h.signedIn();
    const response = await h.request({ method: 'GET', url: URL, auth: { cookie: me.cookie } });
    assert.equal(response.body, '{"pats":[]}');
  });

  test('expiryWarning: expired, expires-soon in the second half of life within the lead time, absent otherwise', async () => {
    const me = await h.signedIn();
    const ids = {} as Record<string, number>;
    for (const name of ['fresh', 'soon', 'expired', 'long-young']) {
      ids[name] = json<PatBody>(
        await h.createPat({ cookie: me.cookie }, { description: name, expiresAt: inDays(400) }),
      ).id;
    }
    const set = (id: number | undefined, createdDaysAgo: number, expiresInDays: number) =>
      h.db.query(
        `UPDATE personal_access_tokens SET created_at = now() - make_interval(secs => $2), expires_at = now() + make_interval(secs => $3) WHERE id = $1`,
        [id ?? 0, createdDaysAgo * 86400, expiresInDays * 86400],
      );
    await set(ids.fresh, 1, 10); // within 14 days but in the first half of its life
    await set(ids.soon, 20, 10); // second half, within 14 days
    await set(ids.expired, 30, -1);
    await set(ids['long-young'], 300, 100); // second half, but 100 days left
    const { pats } = json<{ pats: PatBody[] }>(
      await h.request({ method: 'GET', url: URL, auth: { cookie: me.cookie } }),
    );
    const warning = (name: string) => pats.find((pat) => pat.id === ids[name])?.expiryWarning;
    assert.equal(warning('fresh'), undefined);
    assert.equal(warning('soon'), 'expires-soon');
    assert.equal(warning('expired'), 'expired');
    assert.equal(warning('long-young'), undefined);
    const soon = pats.find((pat) => pat.id === ids.soon);
    assert.deepEqual(Object.keys(soon ?? {}), [
      'id',
      'description',
      'expiresAt',
      'userId',
      'createdAt',
      'seenAt',
      'expiryWarning',
      'scopes',
      'audiences',
    ]);
  });
});

describe('DELETE /api/admin/user/tokens/{id}', () => {
  test('200 with an empty body; the token stops working on the very next request', async () => {
    const me = await h.signedIn();
    const created = json<PatBody>(await h.createPat({ cookie: me.cookie }));
    const token = created.secret as string;
    assert.equal(
      (await h.request({ method: 'GET', url: '/api/admin/user', auth: { token } })).statusCode,
      200,
    );
    const response = await h.request({
      method: 'DELETE',
      url: `${URL}/${created.id}`,
      auth: { cookie: me.cookie },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    assertError(
      await h.request({ method: 'GET', url: '/api/admin/user', auth: { token } }),
      401,
      'UnauthorizedError',
    );
  });

  test("idempotent, and a no-op for an unknown id or another user's token", async () => {
    const me = await h.signedIn();
    const other = await h.signedIn();
    const theirs = json<PatBody>(await h.createPat({ cookie: other.cookie }));
    for (const id of [theirs.id, 2147483647, theirs.id]) {
      const response = await h.request({
        method: 'DELETE',
        url: `${URL}/${id}`,
        auth: { cookie: me.cookie },
      });
      assert.equal(response.statusCode, 200);
    }
    // Still there and still working for its owner.
    assert.equal(
      (
        await h.request({
          method: 'GET',
          url: '/api/admin/user',
          auth: { token: theirs.secret as string },
        })
      ).statusCode,
      200,
    );
  });

  test('a token may delete itself', async () => {
    const me = await h.signedIn();
    const created = json<PatBody>(await h.createPat({ cookie: me.cookie }));
    const token = created.secret as string;
    assert.equal(
      (await h.request({ method: 'DELETE', url: `${URL}/${created.id}`, auth: { token } }))
        .statusCode,
      200,
    );
    assert.equal((await h.request({ method: 'GET', url: URL, auth: { token } })).statusCode, 401);
  });

  test('leading zeros mean the number (027 is 27)', async () => {
    const me = await h.signedIn();
    const created = json<PatBody>(await h.createPat({ cookie: me.cookie }));
    const response = await h.request({
      method: 'DELETE',
      url: `${URL}/000${created.id}`,
      auth: { cookie: me.cookie },
    });
    assert.equal(response.statusCode, 200);
    const { pats } = json<{ pats: PatBody[] }>(
      await h.request({ method: 'GET', url: URL, auth: { cookie: me.cookie } }),
    );
    assert.equal(pats.length, 0);
  });

  for (const id of [
    'abc',
    '1.5',
    '0x10',
    '1e2',
    '%2B7',
    '%20',
    '0',
    '-1',
    '2147483648',
    '99999999999999999999',
  ]) {
    test(`id "${decodeURIComponent(id)}" is 400 BadDataError and deletes nothing`, async () => {
      const me = await h.signedIn();
      const created = json<PatBody>(await h.createPat({ cookie: me.cookie }));
      const response = await h.request({
        method: 'DELETE',
        url: `${URL}/${id}`,
        auth: { cookie: me.cookie },
      });
      const body = assertError(response, 400, 'BadDataError');
      assert.equal(body.details[0]?.path, '/params/id');
      const { pats } = json<{ pats: PatBody[] }>(
        await h.request({ method: 'GET', url: URL, auth: { cookie: me.cookie } }),
      );
      assert.deepEqual(
        pats.map((pat) => pat.id),
        [created.id],
      );
    });
  }
});

describe('routing as Unleash', () => {
  let me: TestUser;
  before(async () => {
    me = await h.signedIn();
  });

  test('case-insensitive paths, trailing slash and query string ignored', async () => {
    for (const url of [
      '/API/Admin/User/Tokens',
      `${URL}/`,
      `${URL}?foo=bar`,
      '/api/admin/USER/tokens/?x=1',
    ]) {
      const response = await h.request({ method: 'GET', url, auth: { cookie: me.cookie } });
      assert.equal(response.statusCode, 200, url);
    }
  });

  test('HEAD works', async () => {
    const response = await h.request({ method: 'HEAD', url: URL, auth: { cookie: me.cookie } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
  });

  test('authenticated OPTIONS answers 200 with Allow', async () => {
    const response = await h.request({ method: 'OPTIONS', url: URL, auth: { cookie: me.cookie } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers.allow, 'GET,HEAD,POST');
    const one = await h.request({
      method: 'OPTIONS',
      url: `${URL}/1`,
      auth: { cookie: me.cookie },
    });
    assert.equal(one.headers.allow, 'DELETE');
  });

  test('other methods on known paths: 404 NotFoundError, never 405', async () => {
    for (const [method, url] of [
      ['PUT', URL],
      ['PATCH', URL],
      ['DELETE', URL],
      ['GET', `${URL}/1`],
      ['POST', `${URL}/1`],
    ] as const) {
      const response = await h.request({ method, url, auth: { cookie: me.cookie } });
      const path = url.split('?')[0];
      assertError(
        response,
        404,
        'NotFoundError',
        `The path you were looking for (${path}) is not available.`,
      );
    }
  });
});

describe('kill switch', () => {
  test('UNLEASH_PAT_KILL_SWITCH=true: GET and POST answer 404 "PATs are disabled."; DELETE still works', async () => {
    const off = await startHarness({ UNLEASH_PAT_KILL_SWITCH: 'true' });
    try {
      const { cookie, user } = await off.signedIn();
      assertError(
        await off.request({ method: 'GET', url: URL, auth: { cookie } }),
        404,
        'NotFoundError',
        'PATs are disabled.',
      );
      assertError(await off.createPat({ cookie }), 404, 'NotFoundError', 'PATs are disabled.');
      const [row] = await off.db.query<{ id: number }>(
        `INSERT INTO personal_access_tokens (user_id, description, selector, verifier, expires_at)
         VALUES ($1, 'old', 'sel', 'ver', now() + interval '1 day') RETURNING id`,
        [user.id],
      );
      const response = await off.request({
        method: 'DELETE',
        url: `${URL}/${row?.id}`,
        auth: { cookie },
      });
      assert.equal(response.statusCode, 200);
      const [left] = await off.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM personal_access_tokens',
      );
      assert.equal(left?.n, 0);
    } finally {
      await off.close();
    }
  });
});
