import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leaseMsFor, retryDelayMs } from './webhook-sender.js';

test('backoff: full jitter below base * 2^(n-1), capped at an hour', () => {
  const highest = (max: number) => max - 1;
  assert.equal(retryDelayMs(1, 10_000, highest), 9_999);
  assert.equal(retryDelayMs(2, 10_000, highest), 19_999);
  assert.equal(retryDelayMs(5, 10_000, highest), 159_999);
  assert.equal(retryDelayMs(20, 10_000, highest), 3_599_999);
  assert.equal(retryDelayMs(500, 10_000, highest), 3_599_999, 'no overflow for many failures');
  assert.equal(
    retryDelayMs(3, 10_000, () => 0),
    0,
  );
  for (let i = 0; i < 200; i++) {
    const delay = retryDelayMs(3, 1000);
    assert.ok(delay >= 0 && delay < 4000, String(delay));
  }
});

test('a lease outlasts an attempt and its recording', () => {
  assert.ok(leaseMsFor(5000) > 5000 + 1000);
});

test('the default schedule retries for about 24 hours, a few dozen times', () => {
  // With the expected (mean) delay of full jitter: half the ceiling.
  let elapsed = 0;
  let attempts = 1;
  while (elapsed + retryDelayMs(attempts, 10_000, (max) => max / 2) <= 86_400_000) {
    elapsed += retryDelayMs(attempts, 10_000, (max) => max / 2);
    attempts++;
  }
  assert.ok(attempts > 20 && attempts < 80, `${attempts} attempts`);
});
