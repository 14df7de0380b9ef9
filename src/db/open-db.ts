import { mkdir } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { Db } from './db.js';

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded database in DATA_DIR. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  // Each adapter is loaded only when used: a PostgreSQL deployment never loads the WASM build,
  // and the embedded one does not spend its start (~100 ms of CPU) loading the pg driver.
  if (config.databaseUrl !== undefined) {
    const { PgDb } = await import('./pg-db.js');
    return new PgDb({ connectionString: config.databaseUrl });
  }
  await mkdir(config.dataDir, { recursive: true });
  const { PgliteDb } = await import('./pglite-db.js');
  return PgliteDb.open(config.dataDir);
}
