import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentlyVerified } from './recently-verified.js';

test('recalls a proof until its time is up, then forgets it', () => {
  let now = 0;
  const recent = new RecentlyVerified(1000, 10, () => now);
  recent.remember('a', 'proof-a');
  now = 999;
  assert.equal(recent.recall('a'), 'proof-a');
  now = 1000;
  assert.equal(recent.recall('a'), undefined);
  assert.equal(recent.size, 0);
});

test('bounded: the oldest goes first; forget removes one', () => {
  const recent = new RecentlyVerified(60_000, 2);
  recent.remember('a', '1');
  recent.remember('b', '2');
  recent.remember('c', '3');
  assert.equal(recent.recall('a'), undefined);
  assert.equal(recent.recall('b'), '2');
  recent.forget('b');
  assert.equal(recent.recall('b'), undefined);
  assert.equal(recent.recall('c'), '3');
});
