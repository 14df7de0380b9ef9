// seenAt: the time of real use, written in batches, flushed at shutdown.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, startHarness } from '../helpers/harness.js';

test('seenAt is null until used, then the time of the last use, after a flush', async () => {
  const h = await startHarness({ SEEN_AT_FLUSH_INTERVAL_MS: '600000' });
  try {
    const { cookie } = await h.signedIn();
    const created = json<{ id: number; secret: string }>(await h.createPat({ cookie }));
    const list = async () =>
      json<{ pats: { seenAt: string | null }[] }>(
        await h.request({ method: 'GET', url: '/api/admin/user/tokens', auth: { cookie } }),
      ).pats[0]?.seenAt;
    assert.equal(await list(), null);
    const before = Date.now();
    await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: created.secret } });
    const after = Date.now();
    // Not written per request: nothing yet (the interval is long)...
    assert.equal(await list(), null);
    // ...until the batch is flushed.
    await h.services.seenAt.flush();
    const seen = Date.parse((await list()) ?? '');
    assert.ok(seen >= before - 5 && seen <= after + 5, 'the time of use, not of the flush');
  } finally {
    await h.close();
  }
});

test('the interval flush writes many uses in one batch', async () => {
  const h = await startHarness({ SEEN_AT_FLUSH_INTERVAL_MS: '100' });
  try {
    const { cookie } = await h.signedIn();
    const tokens = [];
    for (let i = 0; i < 3; i++)
      tokens.push(json<{ secret: string }>(await h.createPat({ cookie })).secret);
    for (const token of tokens)
      await h.request({ method: 'GET', url: '/api/admin/user', auth: { token } });
    let seen = 0;
    for (let i = 0; i < 50 && seen < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [row] = await h.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM personal_access_tokens WHERE seen_at IS NOT NULL',
      );
      seen = row?.n ?? 0;
    }
    assert.equal(seen, 3);
  } finally {
    await h.close();
  }
});

test('closing the app flushes what is pending', async () => {
  const h = await startHarness({ SEEN_AT_FLUSH_INTERVAL_MS: '600000' });
  const { cookie } = await h.signedIn();
  const created = json<{ id: number; secret: string }>(await h.createPat({ cookie }));
  await h.request({ method: 'GET', url: '/api/admin/user', auth: { token: created.secret } });
  await h.app.close();
  const [row] = await h.db.query<{ seen_at: Date | null }>(
    'SELECT seen_at FROM personal_access_tokens WHERE id = $1',
    [created.id],
  );
  assert.ok(row?.seen_at instanceof Date);
  await h.close();
});
