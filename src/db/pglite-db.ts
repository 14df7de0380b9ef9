import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import { assertChannelName, type Db, type Queryable, type SqlParam } from './db.js';

/**
 * PostgreSQL in WebAssembly is compiled by V8's baseline compiler (Liftoff) alone. By default
 * V8 also recompiles every hot function with its optimising compiler (TurboFan) while the
 * server starts and takes its first requests: on two busy cores that work delays the start,
 * and its code and compiler memory stay resident. Measured opening a database and running a
 * query: RSS 131 MiB instead of 172, and the same point-query rate in a loop within noise
 * (about 2,500 a second either way); docs/performance.md has the server's figures. The flag
 * is process-wide, but PGlite is the only WebAssembly this process runs, and it is set
 * before PGlite compiles its module.
 */
function useBaselineWasmCompiler(): void {
  setFlagsFromString('--liftoff-only');
}

/** Whether a PostgreSQL data directory already exists there (it has a PG_VERSION file). */
async function holdsDatabase(dataDir: string): Promise<boolean> {
  try {
    await access(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

/**
 * The embedded adapter. PGlite is one connection in this process: it runs queries one at a
 * time and a transaction holds it exclusively, which is what makes the same SQL safe here.
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  readonly #pg: PGlite;
  readonly #unlock: () => Promise<void>;

  private constructor(pg: PGlite, unlock: () => Promise<void>) {
    this.#pg = pg;
    this.#unlock = unlock;
  }

  /** dataDir undefined: an in-memory database (tests). */
  static async open(dataDir: string | undefined, searchPath?: string): Promise<PgliteDb> {
    // PostgreSQL's default 128 MB of shared buffers nearly doubles the process's memory; a
    // laptop-sized database is served as well from 16 MB (RSS ~300 MB -> ~175 MB measured).
    const options = { postgresqlconf: ['shared_buffers = 16MB'] };
    useBaselineWasmCompiler();
    const unlock = dataDir === undefined ? async () => {} : await lockDataDir(dataDir);
    try {
      let pg: PGlite;
      if (dataDir === undefined) {
        pg = await PGlite.create(options);
      } else {
        const existed = await holdsDatabase(dataDir);
        pg = await PGlite.create(dataDir, options);
        if (!existed) {
          // Creating the database (initdb) leaves ~400 MiB of WebAssembly memory reachable
          // from this PGlite until it closes (measured: RSS 567 MiB after creating, ~200 after
          // reopening). Reopening once, on the first start only, gives that memory back.
          await pg.close();
          pg = await PGlite.create(dataDir, options);
        }
      }
      if (searchPath !== undefined) {
        await pg.exec(
          `CREATE SCHEMA IF NOT EXISTS ${searchPath}; SET search_path TO ${searchPath}`,
        );
      }
      return new PgliteDb(pg, unlock);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  async query<Row extends object>(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    return (await this.#pg.query<Row>(sql, params as SqlParam[])).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.#pg.exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.#pg.transaction(async (tx: Transaction) =>
      fn({
        query: async <Row extends object>(sql: string, params: readonly SqlParam[] = []) =>
          (await tx.query<Row>(sql, params as SqlParam[])).rows,
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  // In-process: no connection to lose, so onConnectionChange never fires.
  async listen(channel: string, onMessage: (payload: string) => void) {
    assertChannelName(channel);
    return this.#pg.listen(channel, onMessage);
  }

  async notify(channel: string, payload: string): Promise<void> {
    assertChannelName(channel);
    await this.#pg.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async close(): Promise<void> {
    await this.#pg.close();
    await this.#unlock();
  }
}
