// pat-expiring and pat-expired: recorded once per token and lead time even when several
// runners (instances) race, and delivered to the webhooks that subscribe to them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ExpiryNoticeStore } from '../../../src/features/pats/expiry-notice-store.js';
import { ExpiryNotices } from '../../../src/features/pats/expiry-notices.js';
import { PatStore } from '../../../src/features/pats/pat-store.js';
import { type Harness, inDays, json, startHarness, type TestUser } from '../../helpers/harness.js';
import { type Receiver, startReceiver } from '../../helpers/webhook-receiver.js';

const DAY = 86_400_000;
let h: Harness;
let admin: TestUser;
let receiver: Receiver;

before(async () => {
  h = await startHarness({ WEBHOOK_POLL_INTERVAL_MS: '50', PAT_EXPIRY_WARNING_DAYS: '14,3' });
  admin = await h.quickSignedIn('Admin');
  receiver = await startReceiver();
});
after(async () => {
  await h.close();
  await receiver.close();
});

/** A runner as an instance has one, with its clock `days` ahead. */
function runner(days: number) {
  return new ExpiryNotices({
    db: h.db,
    pats: new PatStore(h.db),
    notices: new ExpiryNoticeStore(),
    audit: h.services.audit,
    leadDays: h.config.expiryWarningDays,
    intervalMs: 60_000,
    onError: (error) => {
      throw error;
    },
    clock: () => new Date(Date.now() + days * DAY),
  });
}

async function noticeEvents(tokenId: number) {
  const rows = await h.db.query<{ type: string; lead: number | null; created_by: string }>(
    `SELECT type, (data ->> 'leadDays')::int AS lead, created_by FROM events
     WHERE type IN ('pat-expiring', 'pat-expired') AND (data ->> 'id')::int = $1 ORDER BY id`,
    [tokenId],
  );
  return rows.map((row) => `${row.type}:${row.lead ?? '-'}:${row.created_by}`);
}

test('each lead time and the expiry are recorded once, however many runners race; webhooks get them', async () => {
  const hook = await h.request({
    method: 'POST',
    url: '/api/admin/webhooks',
    auth: { cookie: admin.cookie },
    body: { url: receiver.url, events: ['pat-expiring', 'pat-expired'] },
  });
  assert.equal(hook.statusCode, 201, hook.body);
  const { id } = json<{ id: number }>(
    await h.createPat({ cookie: admin.cookie }, { expiresAt: inDays(30) }),
  );
  // Day 10: nothing yet. Day 20: inside 14 days. Day 28: inside 3. Day 31: expired.
  for (const day of [10, 20, 20, 28, 28, 31, 31]) {
    await Promise.all([runner(day).runOnce(), runner(day).runOnce(), runner(day).runOnce()]);
  }
  assert.deepEqual(await noticeEvents(id), [
    'pat-expiring:14:unlatch',
    'pat-expiring:3:unlatch',
    'pat-expired:-:unlatch',
  ]);
  await receiver.waitFor(() => receiver.accepted().size >= 3);
  // Sent in parallel: in any order.
  assert.deepEqual(receiver.received.map((r) => r.event).sort(), [
    'pat-expired',
    'pat-expiring',
    'pat-expiring',
  ]);
  const first = receiver.received.find((r) => JSON.parse(r.body).data.leadDays === 14);
  const body = JSON.parse(first?.body ?? '{}') as { data: Record<string, unknown> };
  assert.equal(body.data.id, id);
  assert.equal(body.data.leadDays, 14);
  assert.equal(body.data.userId, admin.user.id);
});

test('a short-lived token is not announced as expiring at birth, only when it expires', async () => {
  const { id } = json<{ id: number }>(
    await h.createPat({ cookie: admin.cookie }, { expiresAt: inDays(2) }),
  );
  await runner(0).runOnce();
  assert.deepEqual(await noticeEvents(id), []);
  await runner(2.1).runOnce();
  assert.deepEqual(await noticeEvents(id), ['pat-expired:-:unlatch']);
});
