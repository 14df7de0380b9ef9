import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type pg from 'pg';
import { PgListener } from './pg-listener.js';

/** Just what PgListener uses of pg.Client: connect, query, end and its events. */
class FakeClient extends EventEmitter {
  ended = false;
  constructor(private readonly listenFails: boolean) {
    super();
  }
  async connect(): Promise<void> {}
  async query(sql: string): Promise<void> {
    if (this.listenFails && sql.startsWith('LISTEN')) throw new Error('LISTEN refused');
  }
  async end(): Promise<void> {
    this.ended = true;
  }
}

// Issue 9: a connection that came up but whose LISTEN failed was never ended, one more for
// every reconnection attempt.
test('a reconnection whose LISTEN fails ends its connection before the next try', async () => {
  // The first connection works; the next two come up but refuse LISTEN; the fourth works.
  const plan = [false, true, true, false];
  const clients: FakeClient[] = [];
  const listener = new PgListener({}, () => {
    const client = new FakeClient(plan[clients.length] ?? false);
    clients.push(client);
    return client as unknown as pg.Client;
  });
  const states: boolean[] = [];
  let reconnected = () => {};
  const back = new Promise<void>((resolve) => (reconnected = resolve));
  await listener.subscribe(
    'unlatch_test',
    () => {},
    (connected) => {
      states.push(connected);
      if (connected) reconnected();
    },
  );
  clients[0]?.emit('end'); // the connection is lost
  // The listener's retry timer does not hold the process open; this test must.
  const keepAlive = setInterval(() => {}, 1000);
  await back;
  clearInterval(keepAlive);
  assert.deepEqual(states, [false, true]);
  assert.equal(clients.length, 4);
  assert.deepEqual(
    clients.map((client) => client.ended),
    [true, true, true, false],
    'every connection but the live one was ended',
  );
  await listener.close();
  assert.equal(clients[3]?.ended, true);
});
