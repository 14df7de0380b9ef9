// A throw-away database for one benchmark run: a fresh PostgreSQL database (created on the
// server that DATABASE_URL names, dropped afterwards) or a fresh PGlite DATA_DIR in /tmp.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { PgDb } from '../src/db/pg-db.js';
import { PgliteDb } from '../src/db/pglite-db.js';
import { onInterrupt } from './cleanup.js';

export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  /** DATABASE_URL or DATA_DIR for the server processes. */
  serverEnv: Record<string, string>;
  /** Opens it from this process. PGlite allows one process at a time: close before servers start. */
  open(): Promise<Db>;
  dispose(): Promise<void>;
}

async function postgresDatabase(baseUrl: string): Promise<BenchDatabase> {
  // Built from digits and hex only, so it is safe to splice into CREATE/DROP DATABASE.
  const name = `unlatch_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new PgDb({ connectionString: baseUrl, max: 1 });
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const connectionString = url.toString();
  return {
    kind: 'postgres',
    serverEnv: { DATABASE_URL: connectionString },
    open: async () => new PgDb({ connectionString, max: 4 }),
    dispose: async () => {
      const cleanup = new PgDb({ connectionString: baseUrl, max: 1 });
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.close();
      }
    },
  };
}

async function pgliteDatabase(): Promise<BenchDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'unlatch-bench-'));
  const dataDir = join(dir, 'data');
  return {
    kind: 'pglite',
    serverEnv: { DATA_DIR: dataDir },
    open: () => PgliteDb.open(dataDir),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A fresh, migrated database; the caller disposes of it. */
export async function createBenchDatabase(baseUrl: string | undefined): Promise<BenchDatabase> {
  const created = baseUrl === undefined ? await pgliteDatabase() : await postgresDatabase(baseUrl);
  const forget = onInterrupt(created.dispose);
  const database: BenchDatabase = {
    ...created,
    dispose: async () => {
      await created.dispose();
      forget();
    },
  };
  try {
    const db = await database.open();
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    return database;
  } catch (error) {
    await database.dispose();
    throw error;
  }
}
