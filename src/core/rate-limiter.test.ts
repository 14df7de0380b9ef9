import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FixedWindowLimiter } from './rate-limiter.js';

test('allows the limit per window per key, then says when to retry', () => {
  let now = 1_000_000;
  const limiter = new FixedWindowLimiter(3, 60_000, 100, () => now);
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('a').allowed, true);
  const refused = limiter.take('a');
  assert.equal(refused.allowed, false);
  assert.equal(refused.retryAfterSeconds, 60);
  assert.equal(limiter.take('b').allowed, true, 'other keys are separate');
  now += 30_000;
  assert.equal(limiter.check('a').retryAfterSeconds, 30);
  now += 30_000;
  assert.equal(limiter.take('a').allowed, true, 'a new window');
});

test('check does not count; hit does', () => {
  const limiter = new FixedWindowLimiter(1, 60_000);
  assert.equal(limiter.check('x').allowed, true);
  assert.equal(limiter.check('x').allowed, true);
  limiter.hit('x');
  assert.equal(limiter.check('x').allowed, false);
});

test('memory is bounded by maxKeys', () => {
  const limiter = new FixedWindowLimiter(1, 60_000, 10);
  for (let i = 0; i < 100; i++) limiter.hit(`k${i}`);
  assert.equal(limiter.check('k0').allowed, true, 'the oldest keys were dropped');
  assert.equal(limiter.check('k99').allowed, false);
});

test('refund gives back a counted event in the current window only', () => {
  let now = 0;
  const limiter = new FixedWindowLimiter(1, 60_000, 10, () => now);
  assert.equal(limiter.take('x').allowed, true);
  assert.equal(limiter.check('x').allowed, false);
  limiter.refund('x');
  assert.equal(limiter.check('x').allowed, true, 'refunded');
  limiter.refund('x');
  limiter.hit('x');
  assert.equal(limiter.check('x').allowed, false, 'a refund never goes below zero');
  now = 60_000;
  limiter.refund('x');
  limiter.hit('x');
  assert.equal(limiter.check('x').allowed, false, 'a refund does not reach into a new window');
});
