// The web page's date rules, which are pure and need no browser.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daysFromNow, endOfLocalDay, isPast, toDateInputValue } from '../../web/src/format.js';

test('a custom expiry date means the end of that day in the local time zone', () => {
  const end = endOfLocalDay('2031-02-05');
  assert.ok(end);
  assert.deepEqual(
    [end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes()],
    [2031, 1, 5, 23, 59],
  );
  assert.equal(toDateInputValue(end), '2031-02-05');
});

test('a custom expiry date that is not a real date is refused, not rolled over', () => {
  for (const value of ['', '2031-02-30', '2031-13-01', '5.2.2031', '2031-2-5']) {
    assert.equal(endOfLocalDay(value), undefined, value);
  }
});

test('presets count whole days from now; a time not after now is past', () => {
  const now = new Date('2031-01-01T12:00:00Z');
  assert.equal(daysFromNow(7, now).toISOString(), '2031-01-08T12:00:00.000Z');
  assert.equal(isPast('2031-01-01T12:00:00Z', now), true);
  assert.equal(isPast('2031-01-01T12:00:01Z', now), false);
});
