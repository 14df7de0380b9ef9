import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientGone, ServiceUnavailableError } from '../../core/errors.js';
import { PasswordHasher } from './password-hasher.js';

test('hashes and verifies through the queue', async () => {
  const hasher = new PasswordHasher(1, 4);
  const hash = await hasher.hash('Correct-h0rse!');
  assert.equal(await hasher.verify('Correct-h0rse!', hash), true);
  assert.equal(await hasher.verify('wrong', hash), false);
  assert.equal(await hasher.verifyOrDecoy('anything', undefined), false);
  assert.deepEqual(hasher.state, { running: 0, waiting: 0 });
});

// Issue 9: 60 parallel password changes made an Admin's login wait 12 s behind them.
test('runs at most `concurrency` at once, queues a bounded number, refuses the rest at once', async () => {
  const hasher = new PasswordHasher(2, 3);
  const attempts = Array.from({ length: 8 }, (_, i) => hasher.hash(`password ${i}`));
  assert.deepEqual(hasher.state, { running: 2, waiting: 3 });
  const settled = await Promise.allSettled(attempts);
  const refused = settled.filter((result) => result.status === 'rejected');
  assert.equal(refused.length, 3);
  for (const result of refused) {
    assert.ok(result.reason instanceof ServiceUnavailableError);
    assert.equal(result.reason.headers['retry-after'], '2');
  }
  assert.equal(settled.filter((result) => result.status === 'fulfilled').length, 5);
  assert.deepEqual(hasher.state, { running: 0, waiting: 0 });
});

test('a failing hash frees its slot', async () => {
  const hasher = new PasswordHasher(1, 1);
  // A stored hash with absurd parameters makes scrypt itself fail.
  await assert.rejects(hasher.verify('x', 'scrypt$3$8$1$c2FsdA$aGFzaA'));
  assert.deepEqual(hasher.state, { running: 0, waiting: 0 });
  assert.equal(typeof (await hasher.hash('still works')), 'string');
});

test('a waiter whose client leaves gives up its place at once: the bound counts live callers only', async () => {
  const hasher = new PasswordHasher(1, 1);
  const first = hasher.hash('first');
  const leaving = new AbortController();
  const waiting = hasher.verifyOrDecoy('second', undefined, leaving.signal);
  assert.deepEqual(hasher.state, { running: 1, waiting: 1 });
  leaving.abort();
  await assert.rejects(waiting, ClientGone);
  assert.deepEqual(hasher.state, { running: 1, waiting: 0 }, 'left before the first check ended');
  const third = hasher.hash('third'); // its place is free again: not refused
  assert.deepEqual(hasher.state, { running: 1, waiting: 1 });
  await Promise.all([first, third]);
  assert.deepEqual(hasher.state, { running: 0, waiting: 0 });
});

test('a caller whose client has already left is refused before it queues or hashes', async () => {
  const hasher = new PasswordHasher(1, 1);
  await assert.rejects(hasher.verifyOrDecoy('x', undefined, AbortSignal.abort()), ClientGone);
  assert.deepEqual(hasher.state, { running: 0, waiting: 0 });
});
