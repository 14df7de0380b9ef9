// POST /api/admin/user/tokens/{id}/rotate: a new token for an old one, with an optional
// overlap during which both work.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertError } from '../../../helpers/assertions.js';
import {
  type Auth,
  type Harness,
  inDays,
  json,
  startHarness,
  type TestUser,
} from '../../../helpers/harness.js';

const URL = '/api/admin/user/tokens';
const TOKEN_FORMAT = /^user:v2_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{43}$/;

interface PatBody {
  id: number;
  description: string;
  expiresAt: string;
  userId: number;
  createdAt: string;
  seenAt: string | null;
  rotatedTo?: number;
  expiryWarning?: string;
  secret?: string;
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const rotate = (auth: Auth, id: number, body?: unknown) =>
  h.request({
    method: 'POST',
    url: `${URL}/${id}/rotate`,
    auth,
    ...(body !== undefined && { body }),
  });

const me = (token: string) => h.request({ method: 'GET', url: '/api/admin/user', auth: { token } });

async function list(owner: TestUser): Promise<PatBody[]> {
  return json<{ pats: PatBody[] }>(
    await h.request({ method: 'GET', url: URL, auth: { cookie: owner.cookie } }),
  ).pats;
}

describe('rotation', () => {
  test('201 exactly as creation: new id, same description, new secret, Location; lifetime kept', async () => {
    const owner = await h.quickSignedIn('Viewer');
    const old = json<PatBody>(
      await h.createPat({ cookie: owner.cookie }, { description: 'deploy', expiresAt: inDays(10) }),
    );
    const response = await rotate({ cookie: owner.cookie }, old.id);
    assert.equal(response.statusCode, 201, response.body);
    const created = json<PatBody>(response);
    assert.deepEqual(Object.keys(created), [
      'id',
      'description',
      'expiresAt',
      'userId',
      'createdAt',
      'seenAt',
      'secret',
      'scopes',
      'audiences',
    ]);
    assert.ok(created.id > old.id);
    assert.equal(created.description, 'deploy');
    assert.equal(created.userId, owner.user.id);
    assert.match(created.secret as string, TOKEN_FORMAT);
    assert.notEqual(created.secret, old.secret);
    assert.equal(response.headers.location, `${URL}/${created.id}`);
    assert.equal(response.headers['cache-control'], 'no-store');
    const lifetime = Date.parse(created.expiresAt) - Date.parse(created.createdAt);
    assert.ok(Math.abs(lifetime - 10 * 86_400_000) < 5000, `lifetime ${lifetime}`);
    assert.equal((await me(created.secret as string)).statusCode, 200);
  });

  test('overlap 0 (the default): the old token fails at once; listed with rotatedTo, expired', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    assert.equal((await me(old.secret as string)).statusCode, 200); // cached now
    const created = json<PatBody>(await rotate({ cookie: owner.cookie }, old.id, {}));
    assertError(await me(old.secret as string), 401, 'UnauthorizedError');
    assert.equal((await me(created.secret as string)).statusCode, 200);
    const listed = (await list(owner)).find((pat) => pat.id === old.id);
    assert.equal(listed?.rotatedTo, created.id);
    assert.equal(listed?.expiryWarning, 'expired');
  });

  test('with an overlap both work, the old one listed with rotatedTo and the overlap end; then only the new', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    const before = Date.now();
    const created = json<PatBody>(
      await rotate({ cookie: owner.cookie }, old.id, { overlapSeconds: 60 }),
    );
    assert.equal((await me(old.secret as string)).statusCode, 200);
    assert.equal((await me(created.secret as string)).statusCode, 200);
    const listed = (await list(owner)).find((pat) => pat.id === old.id);
    assert.equal(listed?.rotatedTo, created.id);
    const end = Date.parse(listed?.expiresAt as string);
    assert.ok(end >= before + 59_000 && end <= Date.now() + 61_000, listed?.expiresAt);

    // A short overlap runs out: the cached credential honours the new expiry.
    const short = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    assert.equal((await me(short.secret as string)).statusCode, 200);
    const next = json<PatBody>(
      await rotate({ cookie: owner.cookie }, short.id, { overlapSeconds: 1 }),
    );
    assert.equal((await me(short.secret as string)).statusCode, 200);
    await sleep(1100);
    assertError(await me(short.secret as string), 401, 'UnauthorizedError');
    assert.equal((await me(next.secret as string)).statusCode, 200);
  });

  test('an overlap never lengthens the old token: one about to expire keeps its expiry', async () => {
    const owner = await h.quickSignedIn();
    const expiresAt = new Date(Date.now() + 30_000).toISOString();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }, { expiresAt }));
    await rotate({ cookie: owner.cookie }, old.id, { overlapSeconds: 3600 });
    const listed = (await list(owner)).find((pat) => pat.id === old.id);
    assert.equal(listed?.expiresAt, old.expiresAt);
  });

  test('a rotated token cannot be rotated again: 409, and nothing is made', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    assert.equal(
      (await rotate({ cookie: owner.cookie }, old.id, { overlapSeconds: 60 })).statusCode,
      201,
    );
    assertError(
      await rotate({ cookie: owner.cookie }, old.id, { overlapSeconds: 60 }),
      409,
      'ConflictError',
      /already rotated/,
    );
    assert.equal((await list(owner)).length, 2);
  });

  test('an expired token is not renewed by rotation: 409 (it would slip past the limit)', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    await h.db.query(
      "UPDATE personal_access_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1",
      [old.id],
    );
    assertError(
      await rotate({ cookie: owner.cookie }, old.id),
      409,
      'ConflictError',
      /has expired/,
    );
    assert.equal((await list(owner)).length, 1);
  });

  test('concurrent rotations of one token: exactly one 201, the rest 409', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        rotate({ cookie: owner.cookie }, old.id, { overlapSeconds: 30 }),
      ),
    );
    const statuses = answers.map((r) => r.statusCode).sort();
    assert.deepEqual(
      statuses,
      [201, 409, 409, 409, 409, 409],
      answers.map((r) => r.body).join('\n'),
    );
    assert.equal((await list(owner)).length, 2);
  });

  test("another user's token, or none: 404, and theirs is untouched", async () => {
    const owner = await h.quickSignedIn();
    const other = await h.quickSignedIn();
    const theirs = json<PatBody>(await h.createPat({ cookie: other.cookie }));
    for (const id of [theirs.id, 2_147_483_647]) {
      assertError(await rotate({ cookie: owner.cookie }, id), 404, 'NotFoundError');
    }
    assert.equal((await me(theirs.secret as string)).statusCode, 200);
    assert.equal((await list(other))[0]?.rotatedTo, undefined);
  });

  test('bad bodies: 400 listing the problem; past expiry 400; not JSON 415', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    for (const body of [
      { overlapSeconds: -1 },
      { overlapSeconds: 86_401 },
      { overlapSeconds: 1.5 },
      { overlapSeconds: '60' },
      { expiresAt: 'tomorrow' },
      { expiresAt: '2020-01-01T00:00:00Z' },
      { surprise: true },
      [],
    ]) {
      const error = assertError(
        await rotate({ cookie: owner.cookie }, old.id, body),
        400,
        'BadDataError',
      );
      assert.ok(error.details.length >= 1, JSON.stringify(body));
    }
    assertError(
      await h.request({
        method: 'POST',
        url: `${URL}/${old.id}/rotate`,
        auth: { cookie: owner.cookie },
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      }),
      415,
      'ContentTypeError',
    );
    for (const id of ['abc', '0', '-1', '99999999999']) {
      assertError(
        await h.request({
          method: 'POST',
          url: `${URL}/${id}/rotate`,
          auth: { cookie: owner.cookie },
          body: {},
        }),
        400,
        'BadDataError',
      );
    }
    // Nothing happened to it.
    assert.equal((await list(owner))[0]?.rotatedTo, undefined);
  });

  test('a token can rotate itself, with or without an overlap', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    const created = await rotate({ token: old.secret as string }, old.id);
    assert.equal(created.statusCode, 201, created.body);
    assertError(await me(old.secret as string), 401, 'UnauthorizedError');
    const other = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    const overlapping = await rotate({ token: `Bearer ${other.secret}` }, other.id, {
      overlapSeconds: 60,
    });
    assert.equal(overlapping.statusCode, 201, overlapping.body);
    assert.equal((await me(other.secret as string)).statusCode, 200);
  });

  test('the description stays unique among live families: creating the rotated description is 409', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(
      await h.createPat({ cookie: owner.cookie }, { description: 'family' }),
    );
    await rotate({ cookie: owner.cookie }, old.id, { overlapSeconds: 60 });
    assertError(
      await h.createPat({ cookie: owner.cookie }, { description: 'family' }),
      409,
      'NameExistsError',
    );
  });

  test('event pat-rotated with both ids, the actor, and no secret', async () => {
    const owner = await h.quickSignedIn();
    const old = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    const created = json<PatBody>(
      await rotate({ cookie: owner.cookie }, old.id, { overlapSeconds: 5 }),
    );
    const [event] = await h.db.query<{ data: Record<string, unknown>; created_by_user_id: number }>(
      "SELECT data, created_by_user_id FROM events WHERE type = 'pat-rotated' AND (data->>'id')::int = $1",
      [created.id],
    );
    assert.equal(event?.created_by_user_id, owner.user.id);
    assert.equal(event?.data.rotatedFrom, old.id);
    assert.equal(event?.data.overlapSeconds, 5);
    const text = JSON.stringify(event);
    for (const secret of [old.secret, created.secret] as string[])
      assert.equal(text.includes(secret.slice(-43)), false);
  });
});

describe('rotation under the limit and the maximum lifetime', () => {
  let hx: Harness;
  before(async () => {
    hx = await startHarness({ PAT_LIMIT: '2', PAT_MAX_LIFETIME_DAYS: '30' });
  });
  after(() => hx.close());

  test('never refused by the per-user limit', async () => {
    const owner = await hx.quickSignedIn();
    const first = json<PatBody>(await hx.createPat({ cookie: owner.cookie }));
    await hx.createPat({ cookie: owner.cookie });
    assertError(await hx.createPat({ cookie: owner.cookie }), 403, 'OperationDeniedError');
    const response = await hx.request({
      method: 'POST',
      url: `${URL}/${first.id}/rotate`,
      auth: { cookie: owner.cookie },
      body: { overlapSeconds: 600 },
    });
    assert.equal(response.statusCode, 201, response.body);
  });

  test('PAT_MAX_LIFETIME_DAYS: creation and rotation beyond it are 400 naming the maximum', async () => {
    const owner = await hx.quickSignedIn();
    assertError(
      await hx.createPat({ cookie: owner.cookie }, { expiresAt: inDays(31) }),
      400,
      'BadDataError',
      /at most 30 days/,
    );
    // "No expiry" is a far-future date, as in Unleash: refused too.
    assertError(
      await hx.createPat({ cookie: owner.cookie }, { expiresAt: '9999-12-31T23:59:59Z' }),
      400,
      'BadDataError',
      /at most 30 days/,
    );
    const pat = json<PatBody>(
      await hx.createPat({ cookie: owner.cookie }, { expiresAt: inDays(29) }),
    );
    const rotateWith = (body: unknown) =>
      hx.request({
        method: 'POST',
        url: `${URL}/${pat.id}/rotate`,
        auth: { cookie: owner.cookie },
        body,
      });
    assertError(
      await rotateWith({ expiresAt: inDays(40) }),
      400,
      'BadDataError',
      /at most 30 days/,
    );
    // A token made before the policy, with a longer life: its lifetime cannot be carried over.
    await hx.db.query(
      "UPDATE personal_access_tokens SET expires_at = created_at + interval '100 days' WHERE id = $1",
      [pat.id],
    );
    assertError(await rotateWith({}), 400, 'BadDataError', /at most 30 days/);
    const ok = await rotateWith({ expiresAt: inDays(20) });
    assert.equal(ok.statusCode, 201, ok.body);
  });
});

describe('rotation, scopes and service accounts', () => {
  test('the successor keeps the scopes and audiences; a narrower token cannot rotate a fuller one', async () => {
    const owner = await h.quickSignedIn('Editor');
    const scoped = json<PatBody & { scopes: string[] }>(
      await h.createPat(
        { cookie: owner.cookie },
        { scopes: ['orders:write'], audiences: ['shop'] },
      ),
    );
    const next = await rotate({ cookie: owner.cookie }, scoped.id);
    assert.equal(next.statusCode, 201, next.body);
    const body = json<{ scopes: string[]; audiences: string[] }>(next);
    assert.deepEqual([body.scopes, body.audiences], [['orders:write'], ['shop']]);
    // A token with tokens:write may rotate, but not mint a full token by rotating one.
    const full = json<PatBody>(await h.createPat({ cookie: owner.cookie }));
    const narrow = json<PatBody & { secret: string }>(
      await h.createPat({ cookie: owner.cookie }, { scopes: ['tokens:write'] }),
    );
    assertError(
      await rotate({ token: narrow.secret }, full.id),
      403,
      'OperationDeniedError',
      /cannot grant the scope "\*"/,
    );
    const [row] = await h.db.query<{ rotated_to: number | null }>(
      'SELECT rotated_to FROM personal_access_tokens WHERE id = $1',
      [full.id],
    );
    assert.equal(row?.rotated_to, null, 'nothing rotated');
  });

  test("an Admin rotates a service account's token; another account's id is 404", async () => {
    const admin = await h.quickSignedIn('Admin');
    const post = (url: string, body: unknown) =>
      h.request({ method: 'POST', url, auth: { cookie: admin.cookie }, body });
    const account = json<{ id: number }>(
      await post('/api/admin/service-account', { username: 'rotating-bot', rootRole: 'Viewer' }),
    );
    const other = json<{ id: number }>(
      await post('/api/admin/service-account', { username: 'other-bot', rootRole: 'Viewer' }),
    );
    const token = json<{ id: number; secret: string }>(
      await post(`/api/admin/service-account/${account.id}/token`, {
        description: 'bot',
        expiresAt: inDays(10),
        scopes: ['*:read'],
      }),
    );
    assertError(
      await post(`/api/admin/service-account/${other.id}/token/${token.id}/rotate`, {}),
      404,
      'NotFoundError',
    );
    const rotated = await post(
      `/api/admin/service-account/${account.id}/token/${token.id}/rotate`,
      {
        overlapSeconds: 0,
      },
    );
    assert.equal(rotated.statusCode, 201, rotated.body);
    const next = json<{ id: number; userId: number; scopes: string[]; secret: string }>(rotated);
    assert.equal(next.userId, account.id);
    assert.deepEqual(next.scopes, ['*:read']);
    assert.equal(
      rotated.headers.location,
      `/api/admin/service-account/${account.id}/token/${next.id}`,
    );
    const me = (secret: string) =>
      h.request({ method: 'GET', url: '/api/admin/user', auth: { token: secret } });
    assert.equal((await me(token.secret)).statusCode, 401, 'overlap 0: the old one ends at once');
    assert.equal((await me(next.secret)).statusCode, 200);
    assertError(
      await post(`/api/admin/service-account/${account.id}/token/${token.id}/rotate`, {}),
      409,
      'ConflictError',
    );
  });
});
