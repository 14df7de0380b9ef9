import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.js';
import { assertChannelName, type Db, type Queryable, type SqlParam } from './db.js';

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
    const unlock = dataDir === undefined ? async () => {} : await lockDataDir(dataDir);
    try {
      const pg =
        dataDir === undefined
          ? await PGlite.create(options)
          : await PGlite.create(dataDir, options);
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

  async close(): Promise<void> {
    await this.#pg.close();
    await this.#unlock();
  }
}
