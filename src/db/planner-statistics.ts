// The planner's statistics on the embedded database. PGlite runs PostgreSQL as a single
// process without background workers, so autovacuum never runs there and ANALYZE never
// happens on its own: tables keep the statistics of the last ANALYZE, or none. With none,
// the planner guessed `users` at a couple of rows and read the Admins' token inventory owner
// by owner, sorting every token for a page of 100 (25 ms at 20,000 tokens, growing with the
// table, against 0.7 ms after ANALYZE; docs/performance.md). This job applies autovacuum's
// own rule on PGlite: a table is analyzed once the rows changed since its last ANALYZE pass
// 50 + 10% of its rows, checked every minute, and analyzes every table once at its first
// run. PostgreSQL's autovacuum does this by itself; the job is not started there.

import { PeriodicJob } from '../core/periodic-job.js';
import type { Queryable } from './db.js';

/** autovacuum_analyze_threshold and autovacuum_analyze_scale_factor, PostgreSQL's defaults. */
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE_FACTOR = 0.1;
/**
 * The first run, which analyzes every table, comes soon after start rather than a whole
 * interval later: a database filled while no server ran (an import, a seed, a restore) was
 * served with the guessed plans for that first minute (`npm run bench -- --scenarios
 * create,inventory`: 17 inventory pages/s, and 253-267 with the first run at 10 s).
 */
const FIRST_RUN_AFTER_MS = 10_000;

export interface PlannerStatisticsOptions {
  intervalMs: number;
  onError: (error: unknown) => void;
}

export class PlannerStatistics {
  #ranOnce = false;
  readonly #job: PeriodicJob;

  constructor(
    private readonly db: Queryable,
    options: PlannerStatisticsOptions,
  ) {
    this.#job = new PeriodicJob((signal) => this.runOnce(signal), options);
  }

  start(firstRunAfterMs = FIRST_RUN_AFTER_MS): void {
    this.#job.start(firstRunAfterMs);
  }

  /** Stops the ticks and resolves once a run in progress has ended. */
  stop(): Promise<void> {
    return this.#job.stop();
  }

  /**
   * Analyzes the tables of the current schema that changed enough, and on the first run all
   * of them; returns their names. All on the first run: the counts of changes live in memory
   * and start from zero with each process, so rows written before this start (by an earlier
   * run, an import, a seed) would otherwise never count. Once `signal` is aborted (the server
   * is stopping) it analyzes no further table.
   */
  async runOnce(signal?: AbortSignal): Promise<string[]> {
    const all = !this.#ranOnce;
    const tables = await this.db.query<{ schema: string; table: string }>(
      `SELECT schemaname AS schema, relname AS "table" FROM pg_stat_user_tables
       WHERE schemaname = current_schema()
         AND ($1 OR n_mod_since_analyze > ${ANALYZE_THRESHOLD} + ${ANALYZE_SCALE_FACTOR} * n_live_tup)
       ORDER BY relname`,
      [all],
    );
    const analyzed: string[] = [];
    for (const { schema, table } of tables) {
      if (signal?.aborted) return analyzed;
      await this.db.query(`ANALYZE ${quoteIdentifier(schema)}.${quoteIdentifier(table)}`);
      analyzed.push(table);
    }
    this.#ranOnce = true;
    return analyzed;
  }
}

/** A name from the catalogue as an SQL identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
