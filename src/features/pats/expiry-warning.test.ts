import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expiryWarning } from './expiry-warning.js';

const DAY = 86_400_000;
const now = new Date('2030-06-01T00:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * DAY);

test('expired once the expiry is reached', () => {
  assert.equal(expiryWarning(at(-10), at(0), now, [14, 3]), 'expired');
  assert.equal(expiryWarning(at(-10), at(-1), now, [14, 3]), 'expired');
});

test('expires-soon needs both: past half of life and within the longest lead time', () => {
  assert.equal(expiryWarning(at(-20), at(10), now, [14, 3]), 'expires-soon');
  assert.equal(expiryWarning(at(-1), at(10), now, [14, 3]), undefined, 'young token');
  assert.equal(expiryWarning(at(-300), at(30), now, [14, 3]), undefined, 'too far away');
  assert.equal(expiryWarning(at(-5), at(5), now, [14, 3]), 'expires-soon', 'exactly half');
  assert.equal(expiryWarning(at(-20), at(10), now, [7]), undefined, 'custom lead time');
  assert.equal(expiryWarning(at(-2), at(1), now, [3]), 'expires-soon');
});
