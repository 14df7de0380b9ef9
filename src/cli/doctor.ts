// unlatch doctor: can this configuration run a server? Each check says what it found; the
// command fails (exit 1) if any check fails, and goes on after a failure where it can.

import { randomBytes } from 'node:crypto';
import { ConfigError, type Config, loadConfig } from '../config.js';
import type { Db } from '../db/db.js';
import { openDb } from '../db/open-db.js';
import { pendingMigrations } from './context.js';
import type { Output } from './output.js';

export interface Check {
  name: 'config' | 'database' | 'migrations' | 'listen';
  ok: boolean;
  detail: string;
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
    return [{ name: 'config', ok: false, detail: error.message }];
  }
  const where =
    config.databaseUrl === undefined
      ? `embedded PGlite in ${config.dataDir}`
      : `PostgreSQL at ${redactedUrl(config.databaseUrl)}`;
  checks.push({
    name: 'config',
    ok: true,
    detail: `valid; database: ${where}; port ${config.port}`,
  });

  let db: Db;
  const opened = performance.now();
  try {
    db = await openDb(config);
    const [row] = await db.query<{ version: string }>('SELECT version() AS version');
    const version = /^PostgreSQL [\d.]+/.exec(row?.version ?? '')?.[0] ?? 'PostgreSQL';
    checks.push({
      name: 'database',
      ok: true,
      detail: `reachable (${version}, ${Math.round(performance.now() - opened)} ms)`,
    });
  } catch (error) {
    checks.push({ name: 'database', ok: false, detail: message(error) });
    return checks;
  }
  try {
    const pending = await pendingMigrations(db);
    checks.push(
      pending.length === 0
        ? { name: 'migrations', ok: true, detail: 'current' }
        : {
            name: 'migrations',
            ok: false,
            detail: `${pending.length} pending (${pending.join(', ')}): run \`unlatch migrate\``,
          },
    );
    try {
      const ms = await listenRoundTrip(db);
      checks.push({
        name: 'listen',
        ok: true,
        detail: `NOTIFY came back through LISTEN in ${ms.toFixed(1)} ms${db.kind === 'pglite' ? ' (in-process: PGlite)' : ''}`,
      });
    } catch (error) {
      checks.push({ name: 'listen', ok: false, detail: message(error) });
    }
  } finally {
    await db.close();
  }
  return checks;
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
  out.result({ ok, checks }, () =>
    [
      ...checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(10)}  ${c.detail}`),
      ok ? 'All checks passed.' : 'Some checks failed.',
    ].join('\n'),
  );
  return ok;
}
