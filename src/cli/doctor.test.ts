// The statistics check's verdict on PostgreSQL's settings (pure): the command's own runs are
// in test/cli/unlatch.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statisticsVerdict } from './doctor.js';

test('statistics: autovacuum on with its counts is a pass', () => {
  const check = statisticsVerdict('on', 'on');
  assert.deepEqual([check.ok, check.warning], [true, false]);
  assert.match(check.detail, /^autovacuum is on/);
});

test('statistics: autovacuum off is a warning with its fix, not a failure', () => {
  const check = statisticsVerdict('off', 'on');
  assert.deepEqual([check.name, check.ok, check.warning], ['statistics', true, true]);
  assert.match(check.detail, /^autovacuum is off: .*turn it on in postgresql\.conf/);
});

test('statistics: without track_counts autovacuum is blind, whatever its own setting', () => {
  for (const autovacuum of ['on', 'off']) {
    const check = statisticsVerdict(autovacuum, 'off');
    assert.deepEqual([check.ok, check.warning], [true, true]);
    assert.match(check.detail, /^track_counts is off/);
  }
});
