import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PatStore, SeenUse } from './pat-store.js';
import type { DayCount, PatUsageStore } from './pat-usage-store.js';
import { SeenAtTracker } from './seen-at-tracker.js';

function fakes(failFirst = false) {
  const seen: Map<number, SeenUse>[] = [];
  const counts: DayCount[][] = [];
  let fail = failFirst;
  const store = {
    async recordSeen(batch: ReadonlyMap<number, SeenUse>) {
      if (fail) {
        fail = false;
        throw new Error('database away');
      }
      seen.push(new Map(batch));
    },
  } as unknown as PatStore;
  const usage = {
    async add(batch: readonly DayCount[]) {
      counts.push([...batch]);
    },
  } as unknown as PatUsageStore;
  return { seen, counts, store, usage };
}

test('counts per UTC day, across midnight, with the latest use in one batch', async () => {
  const f = fakes();
  const tracker = new SeenAtTracker(f.store, {
    intervalMs: 1000,
    onError: () => {},
    usage: f.usage,
  });
  tracker.record(1, new Date('2030-01-01T23:59:58Z'), '10.0.0.1', 'a');
  tracker.record(1, new Date('2030-01-01T23:59:59Z'), '10.0.0.2', 'b');
  tracker.record(1, new Date('2030-01-02T00:00:01Z'), '10.0.0.3', 'c');
  tracker.record(2, new Date('2030-01-02T10:00:00Z'));
  await tracker.flush();
  const latest = f.seen[0]?.get(1);
  assert.deepEqual(
    [latest?.at, latest?.ip, latest?.userAgent],
    [new Date('2030-01-02T00:00:01Z'), '10.0.0.3', 'c'],
  );
  assert.deepEqual(
    f.counts[0]?.sort((a, b) => a.patId - b.patId || a.day.localeCompare(b.day)),
    [
      { patId: 1, day: '2030-01-01', requests: 2 },
      { patId: 1, day: '2030-01-02', requests: 1 },
      { patId: 2, day: '2030-01-02', requests: 1 },
    ],
  );
  await tracker.flush(); // nothing pending: nothing written
  assert.equal(f.seen.length, 1);
});

test('a failed flush loses nothing: counts add up with the uses made meanwhile', async () => {
  const f = fakes(true);
  const tracker = new SeenAtTracker(f.store, {
    intervalMs: 1000,
    onError: () => {},
    usage: f.usage,
  });
  for (let i = 0; i < 3; i++) tracker.record(7, new Date('2030-01-01T10:00:00Z'), 'x', 'old');
  await assert.rejects(tracker.flush());
  tracker.record(7, new Date('2030-01-01T11:00:00Z'), 'y', 'new');
  await tracker.flush();
  assert.deepEqual(f.counts[0], [{ patId: 7, day: '2030-01-01', requests: 4 }]);
  assert.equal(f.seen[0]?.get(7)?.userAgent, 'new');
});

test('without a usage store, only seenAt and the last use are written', async () => {
  const f = fakes();
  const tracker = new SeenAtTracker(f.store, { intervalMs: 1000, onError: () => {} });
  tracker.record(3, new Date());
  await tracker.flush();
  assert.equal(f.seen.length, 1);
  assert.equal(f.counts.length, 0);
});
