// The Admins' token inventory: GET /api/admin/tokens, revocation with a reason (one and in
// bulk), and any token's usage.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../../helpers/assertions.js';
import { type Harness, inDays, json, startHarness, type TestUser } from '../../helpers/harness.js';

const URL = '/api/admin/tokens';

interface Entry {
  id: number;
  description: string;
  expiresAt: string;
  createdAt: string;
  seenAt: string | null;
  rotatedTo: number | null;
  owner: { id: number; username: string | null; name: string | null; accountType: string };
}
interface Page {
  tokens: Entry[];
  next: string | null;
}

let h: Harness;
let admin: TestUser;
before(async () => {
  h = await startHarness();
  admin = await h.quickSignedIn('Admin');
});
after(() => h.close());

const get = (query: string, auth = { cookie: admin.cookie }) =>
  h.request({ method: 'GET', url: `${URL}${query}`, auth });
const page = async (query: string) => {
  const response = await get(query);
  assert.equal(response.statusCode, 200, response.body);
  return json<Page>(response);
};
const me = (token: string) => h.request({ method: 'GET', url: '/api/admin/user', auth: { token } });

async function owned(count: number, body: (n: number) => Record<string, string> = () => ({})) {
  const owner = await h.quickSignedIn('Viewer');
  const made: { id: number; secret: string }[] = [];
  for (let n = 0; n < count; n++)
    made.push(json(await h.createPat({ cookie: owner.cookie }, body(n))));
  return { owner, made };
}

describe('GET /api/admin/tokens', () => {
  test("a service account's tokens: owner accountType Service, and the filter finds them", async () => {
    const made = await h.request({
      method: 'POST',
      url: '/api/admin/service-account',
      auth: { cookie: admin.cookie },
      body: { username: 'inventory-bot', name: 'Inventory bot', rootRole: 'Viewer' },
    });
    assert.equal(made.statusCode, 201, made.body);
    const account = json<{ id: number }>(made);
    const token = await h.request({
      method: 'POST',
      url: `/api/admin/service-account/${account.id}/token`,
      auth: { cookie: admin.cookie },
      body: { description: 'bot token', expiresAt: inDays(5) },
    });
    const tokenId = json<{ id: number }>(token).id;
    const services = await page('?accountType=Service');
    assert.deepEqual(
      services.tokens.map((entry) => [entry.id, entry.owner]),
      [
        [
          tokenId,
          {
            id: account.id,
            username: 'inventory-bot',
            name: 'Inventory bot',
            accountType: 'Service',
          },
        ],
      ],
    );
    assert.ok(!(await page('?accountType=User')).tokens.some((entry) => entry.id === tokenId));
  });

  test('every token, newest first, with its owner; no secrets', async () => {
    const { owner, made } = await owned(3);
    await h.request({
      method: 'PUT',
      url: `/api/admin/user-admin/${owner.user.id}`,
      auth: { cookie: admin.cookie },
      body: { name: 'Owner Name' },
    });
    const { tokens } = await page(`?owner=${owner.user.id}`);
    assert.deepEqual(
      tokens.map((t) => t.id),
      made.map((m) => m.id).reverse(),
    );
    const [first] = tokens;
    assert.deepEqual(Object.keys(first ?? {}), [
      'id',
      'description',
      'expiresAt',
      'createdAt',
      'seenAt',
      'rotatedTo',
      'owner',
    ]);
    assert.deepEqual(first?.owner, {
      id: owner.user.id,
      username: owner.user.username,
      name: 'Owner Name',
      accountType: 'User',
    });
    const all = await get('');
    for (const { secret } of made) assert.equal(all.body.includes(secret.slice(-43)), false);
    assert.equal(all.headers['cache-control'], 'no-store');
  });

  test('filters: owner, accountType, expired, expiresBefore, seenBefore, neverUsed, q', async () => {
    const tag = `inv${Date.now().toString(36)}`;
    const { owner, made } = await owned(4, (n) => ({
      description: [`${tag} Alpha`, `${tag} 50% off`, `${tag} 50x off`, `${tag} under_score`][
        n
      ] as string,
      expiresAt: inDays(n + 1),
    }));
    const ids = (p: Page) => p.tokens.map((t) => t.id).sort((a, b) => a - b);
    const o = `owner=${owner.user.id}`;
    const [a, pct, x, us] = made.map((m) => m.id) as [number, number, number, number];
    // Expire one, and mark one as used a while ago.
    await h.db.query(
      "UPDATE personal_access_tokens SET expires_at = now() - interval '1 hour' WHERE id = $1",
      [a],
    );
    await h.db.query(
      "UPDATE personal_access_tokens SET seen_at = now() - interval '10 days' WHERE id = $1",
      [x],
    );
    assert.deepEqual(ids(await page(`?${o}&expired=true`)), [a]);
    assert.deepEqual(ids(await page(`?${o}&expired=false`)), [pct, x, us]);
    assert.deepEqual(ids(await page(`?${o}&expiresBefore=${encodeURIComponent(inDays(2.5))}`)), [
      a,
      pct,
    ]);
    assert.deepEqual(ids(await page(`?${o}&seenBefore=${encodeURIComponent(inDays(-5))}`)), [x]);
    assert.deepEqual(ids(await page(`?${o}&neverUsed=true`)), [a, pct, us]);
    assert.deepEqual(ids(await page(`?${o}&neverUsed=false`)), [x]);
    assert.deepEqual(ids(await page(`?${o}&accountType=User`)), [a, pct, x, us]);
    assert.deepEqual(ids(await page(`?${o}&accountType=Service`)), []);
    // q: any case; % and _ are themselves, not wildcards.
    assert.deepEqual(ids(await page(`?q=${tag.toUpperCase()}%20ALPHA`)), [a]);
    assert.deepEqual(ids(await page(`?q=${encodeURIComponent(`${tag} 50%`)}`)), [pct]);
    assert.deepEqual(ids(await page(`?q=${encodeURIComponent(`${tag} under_`)}`)), [us]);
    assert.deepEqual(ids(await page(`?q=${encodeURIComponent('_score')}&${o}`)), [us]);
    assert.deepEqual(ids(await page(`?q=${tag}&expired=false&neverUsed=true`)), [pct, us]);
  });

  test('cursor paging: every token once, in order, then next is null', async () => {
    const { owner, made } = await owned(5);
    const seen: number[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const p: Page = await page(`?owner=${owner.user.id}&limit=2${next ? `&next=${next}` : ''}`);
      seen.push(...p.tokens.map((t) => t.id));
      next = p.next;
      pages++;
    } while (next !== null);
    assert.equal(pages, 3);
    assert.deepEqual(seen, made.map((m) => m.id).reverse());
    // Same created_at for several tokens (one transaction): the id breaks the tie.
    await h.db.query('UPDATE personal_access_tokens SET created_at = $1 WHERE user_id = $2', [
      new Date('2030-01-01T00:00:00.123456Z'),
      owner.user.id,
    ]);
    const again: number[] = [];
    next = null;
    do {
      const p: Page = await page(`?owner=${owner.user.id}&limit=2${next ? `&next=${next}` : ''}`);
      again.push(...p.tokens.map((t) => t.id));
      next = p.next;
    } while (next !== null);
    assert.deepEqual(again, made.map((m) => m.id).reverse());
    assert.equal((await page('?limit=500')).tokens.length <= 500, true);
  });

  test('bad filters: one 400 listing every problem; tampered cursors are 400', async () => {
    const error = assertError(
      await get(
        '?owner=abc&expired=maybe&limit=501&expiresBefore=soon&accountType=Robot&neverUsed=1',
      ),
      400,
      'BadDataError',
    );
    assert.deepEqual(error.details.map((d) => d.path).sort(), [
      '/query/accountType',
      '/query/expired',
      '/query/expiresBefore',
      '/query/limit',
      '/query/neverUsed',
      '/query/owner',
    ]);
    assertError(await get('?surprise=1'), 400, 'BadDataError');
    assertError(await get('?owner=1&owner=2'), 400, 'BadDataError');
    assertError(await get('?limit=0'), 400, 'BadDataError');
    assertError(await get('?owner=99999999999'), 400, 'BadDataError');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const next of [
      'garbage!',
      'AAAA',
      b64({ a: 1 }),
      b64(['2030-13-01T00:00:00.000000', 1]),
      b64(['2030-01-01T25:00:00.000000', 1]),
      b64(['2030-01-01T00:00:00.000000', 0]),
      b64(['2030-01-01T00:00:00.000000', 1.5]),
      b64(["2030-01-01'; DROP TABLE users; --", 1]),
      'x'.repeat(201),
    ]) {
      const e = assertError(await get(`?next=${encodeURIComponent(next)}`), 400, 'BadDataError');
      assert.ok(
        e.details.some((d) => d.path === '/query/next'),
        next,
      );
    }
  });

  test('Admins only: 403 PermissionError for Editors and Viewers, by session and by token', async () => {
    for (const role of ['Editor', 'Viewer'] as const) {
      const user = await h.quickSignedIn(role);
      const { secret, id } = json<{ secret: string; id: number }>(
        await h.createPat({ cookie: user.cookie }),
      );
      for (const auth of [{ cookie: user.cookie }, { token: secret }]) {
        for (const [method, url, body] of [
          ['GET', URL, undefined],
          ['GET', `${URL}?owner=abc`, undefined],
          ['DELETE', `${URL}/${id}`, undefined],
          ['POST', `${URL}/revoke`, { ids: [id] }],
          ['GET', `${URL}/${id}/usage`, undefined],
        ] as const) {
          assertError(
            await h.request({ method, url, auth, ...(body && { body }) }),
            403,
            'PermissionError',
          );
        }
      }
      assert.equal((await me(secret)).statusCode, 200, 'nothing was revoked');
    }
    assertError(await h.request({ method: 'GET', url: URL }), 401, 'AuthenticationRequired');
  });
});

describe('revocation by an Admin', () => {
  test("DELETE /api/admin/tokens/{id}?reason: anyone's token fails at once; event with reason and actor", async () => {
    const { owner, made } = await owned(2);
    const [doomed, kept] = made as [{ id: number; secret: string }, { id: number; secret: string }];
    assert.equal((await me(doomed.secret)).statusCode, 200);
    const response = await h.request({
      method: 'DELETE',
      url: `${URL}/${doomed.id}?reason=${encodeURIComponent('leaked in a CI log')}`,
      auth: { cookie: admin.cookie },
    });
    assert.equal(response.statusCode, 200, response.body);
    assertError(await me(doomed.secret), 401, 'UnauthorizedError');
    assert.equal((await me(kept.secret)).statusCode, 200);
    const [event] = await h.db.query<{ data: Record<string, unknown>; created_by_user_id: number }>(
      "SELECT data, created_by_user_id FROM events WHERE type = 'pat-deleted' AND (data->>'id')::int = $1",
      [doomed.id],
    );
    assert.equal(event?.created_by_user_id, admin.user.id);
    assert.equal(event?.data.reason, 'leaked in a CI log');
    assert.equal(event?.data.userId, owner.user.id);
    assertError(
      await h.request({
        method: 'DELETE',
        url: `${URL}/${doomed.id}`,
        auth: { cookie: admin.cookie },
      }),
      404,
      'NotFoundError',
    );
    assertError(
      await h.request({
        method: 'DELETE',
        url: `${URL}/${kept.id}?reason=${'x'.repeat(1001)}`,
        auth: { cookie: admin.cookie },
      }),
      400,
      'BadDataError',
    );
  });

  test('POST /api/admin/tokens/revoke: many at once, unknown ids reported, events, at once', async () => {
    const { made } = await owned(3);
    const other = await owned(1);
    const ids = [...made.map((m) => m.id), other.made[0]?.id as number, 2_147_483_000];
    const response = await h.request({
      method: 'POST',
      url: `${URL}/revoke`,
      auth: { cookie: admin.cookie },
      body: { ids: [...ids, ids[0]], reason: 'offboarding' },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(json(response), { revoked: ids.slice(0, 4), notFound: [2_147_483_000] });
    for (const { secret } of [...made, ...other.made])
      assertError(await me(secret), 401, 'UnauthorizedError');
    const events = await h.db.query<{ reason: string }>(
      "SELECT data->>'reason' AS reason FROM events WHERE type = 'pat-deleted' AND (data->>'id')::int = ANY($1::int[])",
      [`{${ids.join(',')}}`],
    );
    assert.deepEqual(
      events.map((e) => e.reason),
      ['offboarding', 'offboarding', 'offboarding', 'offboarding'],
    );
  });

  test('bulk limits: more than 1,000 ids, none, or not ids: 400', async () => {
    for (const body of [
      { ids: Array.from({ length: 1001 }, (_, i) => i + 1) },
      { ids: [] },
      {},
      { ids: ['1'] },
      { ids: [0] },
      { ids: [1], reason: 'x'.repeat(1001) },
      { ids: [1], extra: true },
    ]) {
      assertError(
        await h.request({
          method: 'POST',
          url: `${URL}/revoke`,
          auth: { cookie: admin.cookie },
          body,
        }),
        400,
        'BadDataError',
      );
    }
    const ok = await h.request({
      method: 'POST',
      url: `${URL}/revoke`,
      auth: { cookie: admin.cookie },
      body: { ids: Array.from({ length: 1000 }, (_, i) => 2_000_000_000 + i) },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(json<{ notFound: number[] }>(ok).notFound.length, 1000);
  });
});
