// PGlite has no autovacuum: the server's own job analyzes tables that changed enough
// (src/db/planner-statistics.ts), and only there.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { Queryable, SqlParam } from '../../src/db/db.js';
import { PlannerStatistics } from '../../src/db/planner-statistics.js';
import { dbKind, startHarness } from '../helpers/harness.js';

const PGLITE_ONLY = {
  skip: dbKind !== 'pglite' && 'PGlite only (the job is not started on PostgreSQL)',
};

/** A job of the test's own over `db`, driven by runOnce() (its schedule never started). */
function statisticsOver(db: Queryable): PlannerStatistics {
  return new PlannerStatistics(db, {
    intervalMs: 60_000,
    onError: (error) => assert.fail(String(error)),
  });
}

test('the job runs on PGlite only: PostgreSQL has autovacuum', async () => {
  const h = await startHarness({ LOG_LEVEL: 'warn' });
  try {
    assert.equal(h.services.plannerStatistics !== undefined, dbKind === 'pglite');
  } finally {
    await h.close();
  }
});

test('a table that changed past autovacuum’s rule is analyzed, once', PGLITE_ONLY, async () => {
  const h = await startHarness({ LOG_LEVEL: 'warn' });
  try {
    // The server's own job runs 10 s after start and would analyze the changes this test
    // counts on: it is stopped, and the test drives an instance of its own.
    await h.services.plannerStatistics?.stop();
    const statistics = statisticsOver(h.db);
    // The first run analyzes every table: changes made before it are not counted.
    assert.ok((await statistics.runOnce()).includes('users'));
    const lastAnalyze = async () =>
      (
        await h.db.query<{ at: Date | null }>(
          `SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relname = 'users'`,
        )
      )[0]?.at;
    const before = await lastAnalyze();
    // 200 rows: past 50 + 10% of the table.
    await h.db.query(
      `INSERT INTO users (username, password_hash, root_role)
         SELECT 'stats-' || g, 'x', 'Viewer' FROM generate_series(1, 200) AS g`,
    );
    // PostgreSQL publishes a session's table counts at most once a second.
    let analyzed: string[] = [];
    for (let i = 0; i < 50 && !analyzed.includes('users'); i++) {
      await sleep(100);
      analyzed = await statistics.runOnce();
    }
    assert.ok(analyzed.includes('users'), `analyzed: ${analyzed.join(', ')}`);
    const after = await lastAnalyze();
    assert.ok(after instanceof Date && (before == null || after > before));
    // A few rows since, under 50 + 10%: nothing to do.
    await h.db.query(
      `INSERT INTO users (username, password_hash, root_role)
         SELECT 'stats-more-' || g, 'x', 'Viewer' FROM generate_series(1, 5) AS g`,
    );
    await sleep(1100);
    await h.db.query('SELECT 1'); // a transaction after the second: the counts are published
    assert.ok(!(await statistics.runOnce()).includes('users'));
  } finally {
    await h.close();
  }
});

test(
  'a stopping server analyzes no further table, and the next run still analyzes them all',
  PGLITE_ONLY,
  async () => {
    const h = await startHarness({ LOG_LEVEL: 'warn' });
    try {
      const stopping = new AbortController();
      let analyzes = 0;
      // The database as the job sees it; the server begins to stop during the first ANALYZE.
      const db: Queryable = {
        query: <Row extends object>(sql: string, params?: readonly SqlParam[]) => {
          if (sql.startsWith('ANALYZE')) {
            analyzes++;
            stopping.abort();
          }
          return h.db.query<Row>(sql, params);
        },
        exec: (sql) => h.db.exec(sql),
      };
      const statistics = statisticsOver(db);
      const cut = await statistics.runOnce(stopping.signal);
      assert.equal(cut.length, 1);
      assert.equal(analyzes, 1);
      // The cut-short run was not a first run: the next one analyzes every table.
      const next = await statistics.runOnce();
      assert.ok(next.length > 1 && next.includes('users'), `analyzed: ${next.join(', ')}`);
    } finally {
      await h.close();
    }
  },
);
