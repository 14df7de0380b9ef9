import { mkdir } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { PgDb } from './pg-db.js';
import { PgliteDb } from './pglite-db.js';

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded database in DATA_DIR. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl !== undefined) return new PgDb({ connectionString: config.databaseUrl });
  await mkdir(config.dataDir, { recursive: true });
  return PgliteDb.open(config.dataDir);
}
