// unlatch doctor: can this configuration run a server? Each check says what it found; the
// command fails (exit 1) if any check fails, and goes on after a failure where it can. A
// warning is something that runs but will hurt later (exit 0).

import { randomBytes } from 'node:crypto';
import { ConfigError, type Config, loadConfig } from '../config.js';
import type { Db } from '../db/db.js';
import { openDb } from '../db/open-db.js';
import { pendingMigrations } from './context.js';
import type { Output } from './output.js';

export interface Check {
  name: 'config' | 'database' | 'migrations' | 'listen' | 'statistics';
  /** False for a failure only: a server cannot run (or run right) until it is fixed. */
  ok: boolean;
  /** It runs, but will hurt later: said, with its fix, without failing the command. */
  warning: boolean;
  detail: string;
}

function passed(name: Check['name'], detail: string): Check {
  return { name, ok: true, warning: false, detail };
}

function failed(name: Check['name'], detail: string): Check {
  return { name, ok: false, warning: false, detail };
}

const DOCTOR_CHANNEL = 'unlatch_doctor';
const ROUND_TRIP_TIMEOUT_MS = 3000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** NOTIFY on a channel of its own and wait for it to come back through LISTEN. */
async function listenRoundTrip(db: Db): Promise<number> {
  const payload = randomBytes(8).toString('hex');
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let stop: (() => Promise<void>) | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no notification came back within ${ROUND_TRIP_TIMEOUT_MS} ms`)),
        ROUND_TRIP_TIMEOUT_MS,
      );
      db.listen(DOCTOR_CHANNEL, (received) => {
        if (received === payload) resolve(performance.now() - started);
      })
        .then((unsubscribe) => {
          stop = unsubscribe;
          return db.query('SELECT pg_notify($1, $2)', [DOCTOR_CHANNEL, payload]);
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await stop?.();
  }
}

export async function runChecks(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const checks: Check[] = [];
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [failed('config', error.message)];
  }
  const where =
    config.databaseUrl === undefined
      ? `embedded PGlite in ${config.dataDir}`
      : `PostgreSQL at ${redactedUrl(config.databaseUrl)}`;
  checks.push(passed('config', `valid; database: ${where}; port ${config.port}`));

  let db: Db;
  const opened = performance.now();
  try {
    db = await openDb(config);
    const [row] = await db.query<{ version: string }>('SELECT version() AS version');
    const version = /^PostgreSQL [\d.]+/.exec(row?.version ?? '')?.[0] ?? 'PostgreSQL';
    const ms = Math.round(performance.now() - opened);
    checks.push(passed('database', `reachable (${version}, ${ms} ms)`));
  } catch (error) {
    checks.push(failed('database', message(error)));
    return checks;
  }
  try {
    const pending = await pendingMigrations(db);
    checks.push(
      pending.length === 0
        ? passed('migrations', 'current')
        : failed(
            'migrations',
            `${pending.length} pending (${pending.join(', ')}): run \`unlatch migrate\``,
          ),
    );
    try {
      const ms = await listenRoundTrip(db);
      const where = db.kind === 'pglite' ? ' (in-process: PGlite)' : '';
      checks.push(
        passed('listen', `NOTIFY came back through LISTEN in ${ms.toFixed(1)} ms${where}`),
      );
    } catch (error) {
      checks.push(failed('listen', message(error)));
    }
    try {
      checks.push(await statisticsCheck(db));
    } catch (error) {
      checks.push(failed('statistics', message(error)));
    }
  } finally {
    await db.close();
  }
  return checks;
}

/**
 * Whether the planner's statistics are kept. Without them PostgreSQL's planner misjudges the
 * tables as they grow: on this project's benchmark the Admins' token inventory went from
 * 251 to under 10 pages a second, and on a PostgreSQL with autovacuum off the inventory
 * scenario ended in pool timeouts (docs/performance.md, decision 20).
 */
export async function statisticsCheck(db: Db): Promise<Check> {
  if (db.kind === 'pglite') {
    return passed('statistics', 'PGlite has no autovacuum: the server analyzes changed tables');
  }
  const [row] = await db.query<{ autovacuum: string; track_counts: string }>(
    `SELECT current_setting('autovacuum') AS autovacuum,
            current_setting('track_counts') AS track_counts`,
  );
  return statisticsVerdict(row?.autovacuum ?? 'off', row?.track_counts ?? 'off');
}

/** The statistics check's verdict on PostgreSQL's two settings (`on` or `off`). */
export function statisticsVerdict(autovacuum: string, trackCounts: string): Check {
  const stale =
    "the planner's statistics go stale and queries on large tables slow down (the token " +
    'inventory first)';
  if (trackCounts !== 'on') {
    return warned(
      `track_counts is off: autovacuum cannot see which tables changed, so ${stale}; turn ` +
        'track_counts on in postgresql.conf (or on the role or database)',
    );
  }
  if (autovacuum !== 'on') {
    return warned(
      `autovacuum is off: ${stale}; turn it on in postgresql.conf, or run ANALYZE regularly`,
    );
  }
  return passed('statistics', "autovacuum is on: PostgreSQL keeps the planner's statistics");
}

function warned(detail: string): Check {
  return { name: 'statistics', ok: true, warning: true, detail };
}

/** The URL without its password, to show where the database is. */
function redactedUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password !== '') url.password = '***';
  return url.toString();
}

export async function doctor(out: Output, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const checks = await runChecks(env);
  const ok = checks.every((check) => check.ok);
  const warnings = checks.filter((check) => check.warning).length;
  out.result({ ok, checks }, () =>
    [
      ...checks.map((c) => `${label(c)}  ${c.name.padEnd(10)}  ${c.detail}`),
      !ok
        ? 'Some checks failed.'
        : warnings === 0
          ? 'All checks passed.'
          : `All checks passed, with ${warnings === 1 ? 'a warning' : `${warnings} warnings`}.`,
    ].join('\n'),
  );
  return ok;
}

function label(check: Check): string {
  if (!check.ok) return 'FAIL';
  return check.warning ? 'WARN' : 'ok  ';
}
