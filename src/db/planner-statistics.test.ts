// The statistics job's schedule (pure: a stand-in database that answers when told). What it
// analyzes, on a real PGlite, is in test/db/planner-statistics.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from './db.js';
import { PlannerStatistics } from './planner-statistics.js';

/** Lists one table when released; records every statement. */
function slowDatabase() {
  const statements: string[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const db: Queryable = {
    async query<Row extends object>(sql: string): Promise<Row[]> {
      statements.push(sql.trim().split(/\s+/).slice(0, 2).join(' '));
      if (sql.includes('pg_stat_user_tables')) {
        await released;
        return [{ schema: 'public', table: 'users' }] as unknown as Row[];
      }
      return [];
    },
    async exec() {},
  };
  return { db, statements, release };
}

test('a run that outlasts the interval is not joined by another; stop() waits for it', async () => {
  const { db, statements, release } = slowDatabase();
  const errors: unknown[] = [];
  const job = new PlannerStatistics(db, { intervalMs: 5, onError: (e) => errors.push(e) });
  job.start();
  await sleep(60); // a dozen ticks while the first run waits for its table list
  assert.deepEqual(statements, ['SELECT schemaname']);
  let stopped = false;
  const stopping = job.stop().then(() => (stopped = true));
  await sleep(20);
  assert.equal(stopped, false, 'stop() returned while a run was in progress');
  release();
  await stopping;
  assert.deepEqual(statements, ['SELECT schemaname', 'ANALYZE "public"."users"']);
  await sleep(20);
  assert.equal(statements.length, 2, 'no run after stop()');
  assert.deepEqual(errors, []);
});

test('a failed run is reported and the next tick runs again', async () => {
  let calls = 0;
  const errors: unknown[] = [];
  const db: Queryable = {
    async query<Row extends object>(): Promise<Row[]> {
      calls++;
      throw new Error(`down ${calls}`);
    },
    async exec() {},
  };
  const job = new PlannerStatistics(db, { intervalMs: 5, onError: (e) => errors.push(e) });
  job.start();
  for (let i = 0; i < 200 && calls < 2; i++) await sleep(5);
  assert.ok(calls >= 2, 'the job ran again after a failure');
  await job.stop();
  assert.ok(errors.length >= 1);
  assert.match(String(errors[0]), /down 1/);
});
