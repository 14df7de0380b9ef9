import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueNotice } from './expiry-notices.js';

const DAY = 86_400_000;
const created = new Date('2030-01-01T00:00:00Z');
const at = (days: number) => new Date(created.getTime() + days * DAY);
const token = (lifeDays: number, done: number[] = []) => ({
  createdAt: created,
  expiresAt: at(lifeDays),
  done,
});

test('a 30-day token: told at 14 days, then at 3, then when expired; each once', () => {
  const leads = [14, 3];
  assert.equal(dueNotice(token(30), at(15), leads), undefined);
  assert.equal(dueNotice(token(30), at(16), leads), 14);
  assert.equal(dueNotice(token(30, [14]), at(17), leads), undefined);
  assert.equal(dueNotice(token(30, [14]), at(27), leads), 3);
  assert.equal(dueNotice(token(30, [14, 3]), at(29.9), leads), undefined);
  assert.equal(dueNotice(token(30, [14, 3]), at(30), leads), 0);
  assert.equal(dueNotice(token(30, [14, 3, 0]), at(31), leads), undefined);
});

test('a token first seen inside several lead times is told once, at the shortest', () => {
  assert.equal(dueNotice(token(30), at(28), [14, 3]), 3);
  assert.equal(dueNotice(token(30, [3]), at(28), [14, 3]), undefined);
});

test('lead times as long as the whole life are skipped: a 7-day token is not "expiring in 14 days" at birth', () => {
  assert.equal(dueNotice(token(7), at(0), [14, 3]), undefined);
  assert.equal(dueNotice(token(7), at(4.5), [14, 3]), 3);
  assert.equal(dueNotice(token(2), at(1), [14, 3]), undefined);
  assert.equal(dueNotice(token(2), at(2), [14, 3]), 0);
});
