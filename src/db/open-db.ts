import { mkdir } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { PgDb } from './pg-db.js';

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded database in DATA_DIR. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl !== undefined) return new PgDb({ connectionString: config.databaseUrl });
  await mkdir(config.dataDir, { recursive: true });
  // Loaded only when used: a PostgreSQL deployment never loads the WASM build.
  const { PgliteDb } = await import('./pglite-db.js');
  return PgliteDb.open(config.dataDir);
}
