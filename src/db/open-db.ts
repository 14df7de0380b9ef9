import { mkdir } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { Db } from './db.js';

type DbConfig = Pick<Config, 'databaseUrl' | 'dataDir'>;

/**
 * PostgreSQL when DATABASE_URL is set, otherwise the embedded database in DATA_DIR, without
 * waiting for it: PGlite opens in its worker thread (~0.5 s) while the caller goes on, and
 * statements sent meanwhile wait for it. `ready` rejects with why it could not open.
 */
export async function startDb(config: DbConfig): Promise<{ db: Db; ready: Promise<void> }> {
  // Each adapter is loaded only when used: a PostgreSQL deployment never loads the WASM build,
  // and the embedded one does not spend its start (~100 ms of CPU) loading the pg driver.
  if (config.databaseUrl !== undefined) {
    const { PgDb } = await import('./pg-db.js');
    return { db: new PgDb({ connectionString: config.databaseUrl }), ready: Promise.resolve() };
  }
  await mkdir(config.dataDir, { recursive: true });
  const { PgliteDb } = await import('./pglite-db.js');
  const db = await PgliteDb.start(config.dataDir);
  return { db, ready: db.opened };
}

/** The database, once it is open (commands, and whatever needs it at once). */
export async function openDb(config: DbConfig): Promise<Db> {
  const { db, ready } = await startDb(config);
  await ready;
  return db;
}
