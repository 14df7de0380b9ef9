// /api/admin/webhooks: management, validation and every error path, and deliveries end to end
// to a real receiver (retries with the same delivery id, signatures, redirects, timeouts).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../../helpers/assertions.js';
import { type Harness, json, startHarness, type TestUser } from '../../helpers/harness.js';
import { type Receiver, signatureValid, startReceiver } from '../../helpers/webhook-receiver.js';

const BASE = '/api/admin/webhooks';
// Short enough for tests: retries within tens of milliseconds.
const FAST = { WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_POLL_INTERVAL_MS: '50' };

interface WebhookJson {
  id: number;
  url: string;
  events: string[];
  description: string;
  secret?: string;
}

interface DeliveryJson {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  attemptLog: { status: number | null; error: string | null }[];
}

async function deliveries(h: Harness, admin: TestUser, id: number): Promise<DeliveryJson[]> {
  const response = await h.request({
    method: 'GET',
    url: `${BASE}/${id}/deliveries`,
    auth: { cookie: admin.cookie },
  });
  assert.equal(response.statusCode, 200, response.body);
  return json<{ deliveries: DeliveryJson[] }>(response).deliveries;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('webhook management', () => {
  let h: Harness;
  let admin: TestUser;
  let editor: TestUser;
  before(async () => {
    h = await startHarness(FAST);
    admin = await h.quickSignedIn('Admin');
    editor = await h.quickSignedIn('Editor');
  });
  after(() => h.close());

  const create = (body: unknown, auth: TestUser = admin) =>
    h.request({ method: 'POST', url: BASE, auth: { cookie: auth.cookie }, body });

  test('create shows the secret once; list, get, update and delete never show it; audit events neither', async () => {
    const created = await create({
      url: 'http://127.0.0.1:9/hook',
      events: ['pat-created', 'pat-deleted', 'pat-created'],
      description: ' chat ',
    });
    assert.equal(created.statusCode, 201, created.body);
    const webhook = json<WebhookJson>(created);
    assert.match(webhook.secret ?? '', /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(webhook.events, ['pat-created', 'pat-deleted']);
    assert.equal(webhook.description, 'chat');
    assert.equal(created.headers.location, `${BASE}/${webhook.id}`);
    assert.equal(created.headers['cache-control'], 'no-store');
    const secret = webhook.secret as string;

    const answers: string[] = [];
    const list = await h.request({ method: 'GET', url: BASE, auth: { cookie: admin.cookie } });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      json<{ webhooks: WebhookJson[] }>(list).webhooks.map((w) => w.id),
      [webhook.id],
    );
    answers.push(list.body);
    const one = await h.request({
      method: 'GET',
      url: `${BASE}/${webhook.id}`,
      auth: { cookie: admin.cookie },
    });
    assert.equal(json<WebhookJson>(one).url, 'http://127.0.0.1:9/hook');
    answers.push(one.body);
    const patched = await h.request({
      method: 'PATCH',
      url: `${BASE}/${webhook.id}`,
      auth: { cookie: admin.cookie },
      body: { events: ['*'] },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(json<WebhookJson>(patched).events, ['*']);
    assert.equal(json<WebhookJson>(patched).description, 'chat', 'PATCH keeps the rest');
    answers.push(patched.body);
    const put = await h.request({
      method: 'PUT',
      url: `${BASE}/${webhook.id}`,
      auth: { cookie: admin.cookie },
      body: { url: 'https://hooks.example.com/x?key=abc', events: ['user-created'] },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(json<WebhookJson>(put).description, '', 'PUT replaces');
    answers.push(put.body);
    const deleted = await h.request({
      method: 'DELETE',
      url: `${BASE}/${webhook.id}`,
      auth: { cookie: admin.cookie },
    });
    assert.equal(deleted.statusCode, 200);
    const again = await h.request({
      method: 'DELETE',
      url: `${BASE}/${webhook.id}`,
      auth: { cookie: admin.cookie },
    });
    assertError(again, 404, 'NotFoundError');

    const events = await h.request({
      method: 'GET',
      url: '/api/admin/events',
      auth: { cookie: admin.cookie },
    });
    answers.push(events.body);
    for (const type of ['webhook-created', 'webhook-updated', 'webhook-deleted'])
      assert.ok(events.body.includes(`"${type}"`), type);
    // The URL's origin only: its path and query may be a credential of the receiver's.
    assert.ok(!events.body.includes('key=abc'));
    for (const answer of answers) assert.ok(!answer.includes(secret), 'the secret is not shown');
    assert.ok(!h.logLines.join('\n').includes(secret), 'the secret is not logged');
    const [stored] = await h.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE data::text LIKE '%' || $1 || '%'",
      [secret],
    );
    assert.equal(stored?.n, 0);
  });

  test('invalid input: 400 BadDataError naming each problem, never a 500', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'ftp://example.com/x', events: ['pat-created'] }, '/body/url'],
      [{ url: 'not a url', events: ['pat-created'] }, '/body/url'],
      [{ url: 'javascript:alert(1)', events: ['pat-created'] }, '/body/url'],
      [{ url: `https://example.com/${'a'.repeat(2001)}`, events: ['pat-created'] }, '/body/url'],
      [{ url: 'https://example.com/#x', events: ['pat-created'] }, '/body/url'],
      [{ url: 'https://example.com/', events: ['no-such-event'] }, '/body/events'],
      [{ url: 'https://example.com/', events: ['webhook-test'] }, '/body/events'],
      [{ url: 'https://example.com/', events: [] }, '/body/events'],
      [{ url: 'https://example.com/', events: 'pat-created' }, '/body/events'],
      [{ url: 'https://example.com/', events: [1] }, '/body/events/0'],
      [{ url: 'https://example.com/' }, '/body/events'],
      [{ events: ['pat-created'] }, '/body/url'],
      [
        { url: 'https://example.com/', events: ['pat-created'], description: 'd'.repeat(501) },
        '/body/description',
      ],
      [
        { url: 'https://example.com/', events: ['pat-created'], description: 'a\u0000b' },
        '/body/description',
      ],
      [
        { url: 'https://example.com/', events: ['pat-created'], description: '\ud800' },
        '/body/description',
      ],
      [{ url: 'https://example.com/\u0000', events: ['pat-created'] }, '/body/url'],
      [{ url: 'https://example.com/', events: ['pat-created'], secret: 'mine' }, '/body'],
    ];
    for (const [body, path] of cases) {
      const response = await create(body);
      assertError(response, 400, 'BadDataError');
      const details = json<{ details: { path?: string }[] }>(response).details;
      assert.ok(
        details.some((detail) => (detail.path ?? '').startsWith(path)),
        `${JSON.stringify(body).slice(0, 80)}: ${response.body}`,
      );
    }
    const notJson = await h.request({
      method: 'POST',
      url: BASE,
      auth: { cookie: admin.cookie },
      headers: { 'content-type': 'text/plain' },
      body: 'url=x',
    });
    assert.equal(notJson.statusCode, 415);
    const [count] = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhooks');
    assert.equal(count?.n, 0, 'nothing was created');
  });

  test('unknown ids are 404, malformed ids 400; PATCH needs a field', async () => {
    for (const [method, url] of [
      ['GET', `${BASE}/424242`],
      ['PUT', `${BASE}/424242`],
      ['PATCH', `${BASE}/424242`],
      ['DELETE', `${BASE}/424242`],
      ['GET', `${BASE}/424242/deliveries`],
      ['POST', `${BASE}/424242/test`],
    ] as const) {
      const body =
        method === 'PUT' || method === 'PATCH'
          ? { url: 'https://example.com/', events: ['*'] }
          : undefined;
      assertError(
        await h.request({ method, url, auth: { cookie: admin.cookie }, ...(body && { body }) }),
        404,
        'NotFoundError',
      );
    }
    assertError(
      await h.request({ method: 'GET', url: `${BASE}/0x10`, auth: { cookie: admin.cookie } }),
      400,
      'BadDataError',
    );
    const made = json<WebhookJson>(await create({ url: 'https://example.com/', events: ['*'] }));
    assertError(
      await h.request({
        method: 'PATCH',
        url: `${BASE}/${made.id}`,
        auth: { cookie: admin.cookie },
        body: {},
      }),
      400,
      'BadDataError',
    );
    assertError(
      await h.request({
        method: 'GET',
        url: `${BASE}/${made.id}/deliveries?limit=-1`,
        auth: { cookie: admin.cookie },
      }),
      400,
      'BadDataError',
    );
  });

  test('non-Admins get 403 PermissionError on every route, and change nothing', async () => {
    const made = json<WebhookJson>(await create({ url: 'https://example.com/', events: ['*'] }));
    const token = json<{ secret: string }>(await h.createPat({ cookie: editor.cookie })).secret;
    for (const auth of [{ cookie: editor.cookie }, { token }]) {
      for (const [method, url, body] of [
        ['GET', BASE, undefined],
        ['POST', BASE, { url: 'https://evil.example/', events: ['*'] }],
        ['GET', `${BASE}/${made.id}`, undefined],
        ['PUT', `${BASE}/${made.id}`, { url: 'https://evil.example/', events: ['*'] }],
        ['PATCH', `${BASE}/${made.id}`, { url: 'https://evil.example/' }],
        ['DELETE', `${BASE}/${made.id}`, undefined],
        ['GET', `${BASE}/${made.id}/deliveries`, undefined],
        ['POST', `${BASE}/${made.id}/test`, undefined],
        // Even an invalid body: the role is checked first, so nothing is learnt.
        ['POST', BASE, { url: 1 }],
      ] as const) {
        assertError(
          await h.request({ method, url, auth, ...(body && { body }) }),
          403,
          'PermissionError',
        );
      }
    }
    const stranger = await h.request({ method: 'GET', url: BASE });
    assert.equal(stranger.statusCode, 401);
    const [row] = await h.db.query<{ url: string }>('SELECT url FROM webhooks WHERE id = $1', [
      made.id,
    ]);
    assert.equal(row?.url, 'https://example.com/');
  });
});

describe('deliveries', () => {
  let h: Harness;
  let admin: TestUser;
  let receiver: Receiver;
  before(async () => {
    h = await startHarness(FAST);
    admin = await h.quickSignedIn('Admin');
    receiver = await startReceiver();
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  test('a receiver that fails twice gets the same delivery id a third time, signed, and accepts it', async () => {
    const created = json<WebhookJson>(
      await h.request({
        method: 'POST',
        url: BASE,
        auth: { cookie: admin.cookie },
        body: { url: receiver.url, events: ['pat-created'] },
      }),
    );
    const start = receiver.received.length;
    receiver.answer = (index) => (index < start + 2 ? 'fail' : 'ok');
    const pat = json<{ id: number }>(await h.createPat({ cookie: admin.cookie }));
    await receiver.waitFor(() => receiver.received.length >= start + 3);
    const got = receiver.received.slice(start);
    assert.equal(new Set(got.map((r) => r.deliveryId)).size, 1, 'one delivery id across retries');
    assert.deepEqual(
      got.map((r) => r.status),
      [500, 500, 200],
    );
    for (const entry of got) {
      assert.ok(signatureValid(created.secret as string, entry), 'the signature verifies');
      assert.ok(!signatureValid('whsec_wrong', entry));
      assert.equal(entry.event, 'pat-created');
      assert.match(entry.timestamp, /^\d{10}$/);
    }
    // The body is the event as /api/admin/events serves it: {id, type, createdAt, data}.
    const body = JSON.parse(got[0]?.body ?? '{}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['id', 'type', 'createdAt', 'data']);
    const events = json<{
      events: { id: number; type: string; createdAt: string; data: unknown }[];
    }>(
      await h.request({ method: 'GET', url: '/api/admin/events', auth: { cookie: admin.cookie } }),
    );
    const event = events.events.find((e) => e.type === 'pat-created');
    assert.ok(event);
    assert.deepEqual(body, {
      id: event.id,
      type: event.type,
      createdAt: event.createdAt,
      data: event.data,
    });
    assert.equal((body.data as { id: number }).id, pat.id);

    const [delivery] = await until(async () => {
      const list = await deliveries(h, admin, created.id);
      return list[0]?.status === 'delivered' ? list : undefined;
    });
    assert.ok(delivery);
    assert.equal(delivery.id, got[0]?.deliveryId);
    assert.equal(delivery.attempts, 3);
    assert.equal(delivery.lastStatus, 200);
    assert.equal(delivery.nextAttemptAt, null);
    assert.deepEqual(
      delivery.attemptLog.map((a) => a.status),
      [500, 500, 200],
    );
    assert.match(delivery.attemptLog[0]?.error ?? '', /HTTP 500/);

    const metrics = await h.request({ method: 'GET', url: '/internal-backstage/prometheus' });
    assert.match(metrics.body, /unlatch_webhook_deliveries_total\{outcome="retry"\} [2-9]/);
    assert.match(metrics.body, /unlatch_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    assert.match(metrics.body, /unlatch_webhook_deliveries_pending \d+/);
  });

  test('events a webhook does not subscribe to are not sent; "send test" goes to that webhook only', async () => {
    const mineReceiver = await startReceiver();
    const other = await startReceiver();
    try {
      const only = json<WebhookJson>(
        await h.request({
          method: 'POST',
          url: BASE,
          auth: { cookie: admin.cookie },
          body: { url: mineReceiver.url, events: ['user-deleted'] },
        }),
      );
      await h.request({
        method: 'POST',
        url: BASE,
        auth: { cookie: admin.cookie },
        body: { url: other.url, events: ['*'] },
      });
      await h.createPat({ cookie: admin.cookie });
      const tested = await h.request({
        method: 'POST',
        url: `${BASE}/${only.id}/test`,
        auth: { cookie: admin.cookie },
      });
      assert.equal(tested.statusCode, 202, tested.body);
      const { deliveryId } = json<{ deliveryId: string }>(tested);
      await mineReceiver.waitFor(() => mineReceiver.received.length > 0);
      await other.waitFor(() => other.received.some((r) => r.event === 'pat-created'));
      await h.services.webhookSender.idle();
      assert.deepEqual(
        mineReceiver.received.map((r) => [r.event, r.deliveryId]),
        [['webhook-test', deliveryId]],
      );
      const [test] = mineReceiver.received;
      assert.ok(test && signatureValid(only.secret as string, test));
      assert.deepEqual(JSON.parse(test.body).data.webhookId, only.id);
      assert.ok(!other.received.some((r) => r.event === 'webhook-test'), '"*" is not sent tests');
    } finally {
      await mineReceiver.close();
      await other.close();
    }
  });

  test('stopping (shutdown) cancels a post in flight and gives the delivery back, untried; it is sent after a restart', async () => {
    const hanging = await startReceiver();
    try {
      hanging.answer = () => 'hang';
      const made = json<WebhookJson>(
        await h.request({
          method: 'POST',
          url: BASE,
          auth: { cookie: admin.cookie },
          body: { url: hanging.url, events: ['user-deleted'] },
        }),
      );
      const user = await h.createUser('Viewer');
      await h.request({
        method: 'DELETE',
        url: `/api/admin/user-admin/${user.id}`,
        auth: { cookie: admin.cookie },
      });
      await hanging.waitFor(() => hanging.received.length === 1);
      await h.services.webhookSender.stop();
      const [row] = await h.db.query<{
        status: string;
        attempts: number;
        locked_until: Date | null;
      }>('SELECT status, attempts, locked_until FROM webhook_deliveries WHERE webhook_id = $1', [
        made.id,
      ]);
      assert.deepEqual(row, { status: 'pending', attempts: 0, locked_until: null });
      hanging.answer = () => 'ok';
      await h.services.webhookSender.start();
      await hanging.waitFor(() => hanging.accepted().size === 1);
      assert.equal(hanging.received[0]?.deliveryId, hanging.received[1]?.deliveryId);
    } finally {
      await hanging.close();
    }
  });

  test('a redirect is a failure and is not followed', async () => {
    const start = receiver.received.length;
    receiver.answer = (index) => (index === start ? 'redirect' : 'ok');
    const made = json<WebhookJson>(
      await h.request({
        method: 'POST',
        url: BASE,
        auth: { cookie: admin.cookie },
        body: { url: receiver.url, events: ['user-created'] },
      }),
    );
    await h.request({
      method: 'POST',
      url: '/api/admin/user-admin',
      auth: { cookie: admin.cookie },
      body: { username: 'redirected', rootRole: 'Viewer' },
    });
    const [delivery] = await until(async () => {
      const list = await deliveries(h, admin, made.id);
      return list[0]?.status === 'delivered' ? list : undefined;
    });
    assert.deepEqual(
      delivery?.attemptLog.map((a) => a.status),
      [302, 200],
    );
    assert.match(delivery?.attemptLog[0]?.error ?? '', /redirects are not followed/);
    // Both attempts came to the webhook's own URL, never to the Location.
    assert.ok(receiver.received.slice(start).every((r) => r.status !== 404));
  });
});

describe('deliveries that time out or keep failing', () => {
  let h: Harness;
  let admin: TestUser;
  let receiver: Receiver;
  before(async () => {
    h = await startHarness({
      ...FAST,
      WEBHOOK_TIMEOUT_MS: '200',
      WEBHOOK_RETRY_FOR_SECONDS: '1',
      WEBHOOK_RETRY_BASE_MS: '100',
    });
    admin = await h.quickSignedIn('Admin');
    receiver = await startReceiver();
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  test('no answer within WEBHOOK_TIMEOUT_MS is a failed attempt; past the retry window the delivery is failed', async () => {
    receiver.answer = (index) => (index === 0 ? 'hang' : 'fail');
    const made = json<WebhookJson>(
      await h.request({
        method: 'POST',
        url: BASE,
        auth: { cookie: admin.cookie },
        body: { url: receiver.url, events: ['pat-created'] },
      }),
    );
    await h.createPat({ cookie: admin.cookie });
    const [delivery] = await until(async () => {
      const list = await deliveries(h, admin, made.id);
      return list[0]?.status === 'failed' ? list : undefined;
    });
    assert.ok(delivery);
    assert.match(delivery.attemptLog[0]?.error ?? '', /timed out after 200 ms/);
    assert.equal(delivery.attemptLog[0]?.status, null);
    assert.ok(delivery.attempts >= 2, `${delivery.attempts} attempts`);
    assert.equal(delivery.nextAttemptAt, null);
    const count = receiver.received.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(receiver.received.length, count, 'a failed delivery is not retried');
  });
});

describe('WEBHOOK_ALLOW_PRIVATE=false', () => {
  let h: Harness;
  let admin: TestUser;
  let receiver: Receiver;
  before(async () => {
    h = await startHarness({ ...FAST, WEBHOOK_ALLOW_PRIVATE: 'false' });
    admin = await h.quickSignedIn('Admin');
    receiver = await startReceiver();
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  test('creating a webhook to a private, loopback or link-local address is refused', async () => {
    for (const url of [
      receiver.url,
      'http://localhost:8080/x',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data',
      'http://192.168.1.1/',
      'http://[fd00::1]/',
      'http://0.0.0.0/',
      // Other spellings of 127.0.0.1 that URL parsing turns into it.
      'http://0x7f.1/x',
      'http://2130706433/x',
      'http://127.1/x',
    ]) {
      const response = await h.request({
        method: 'POST',
        url: BASE,
        auth: { cookie: admin.cookie },
        body: { url, events: ['*'] },
      });
      assertError(response, 400, 'BadDataError');
      assert.match(response.body, /WEBHOOK_ALLOW_PRIVATE/, url);
    }
  });

  test('at send time too: a webhook whose host is (now) private gets no request', async () => {
    // As if the name had been re-pointed after creation: the row is written directly.
    const hooks = [receiver.url, receiver.url.replace('127.0.0.1', 'localhost')];
    const ids: number[] = [];
    for (const url of hooks) {
      const webhook = await h.db.transaction((tx) =>
        h.services.webhookStore.insert(tx, { url, events: ['*'], description: '' }, 'whsec_x'),
      );
      ids.push(webhook.id);
    }
    await h.createPat({ cookie: admin.cookie });
    for (const id of ids) {
      const [delivery] = await until(async () => {
        const list = await deliveries(h, admin, id);
        return (list[0]?.attempts ?? 0) > 0 ? list : undefined;
      });
      assert.match(delivery?.lastError ?? '', /private/);
    }
    assert.equal(receiver.received.length, 0, 'nothing reached the private address');
  });
});

describe('a new event goes out at once: the commit wakes the sender, not the poll', () => {
  let h: Harness;
  let admin: TestUser;
  let receiver: Receiver;
  before(async () => {
    // A poll of ten minutes: only the notification at commit can explain a prompt delivery.
    h = await startHarness({ WEBHOOK_POLL_INTERVAL_MS: '600000' });
    admin = await h.quickSignedIn('Admin');
    receiver = await startReceiver();
  });
  after(async () => {
    await h.close();
    await receiver.close();
  });

  test('delivered within a second of the change', async () => {
    const made = await h.request({
      method: 'POST',
      url: BASE,
      auth: { cookie: admin.cookie },
      body: { url: receiver.url, events: ['pat-created'] },
    });
    assert.equal(made.statusCode, 201);
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await h.createPat({ cookie: admin.cookie });
      await receiver.waitFor(() => receiver.received.length > i, 1000);
      assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
    }
  });
});
