import pg from 'pg';
import { PgListener } from './pg-listener.js';
import { assertChannelName, type Db, type PoolStats, type Queryable, type SqlParam } from './db.js';

export interface PgDbOptions {
  connectionString: string;
  /** Extra server options, e.g. `-c search_path=...` for isolated test schemas. */
  options?: string;
  max?: number;
}

/** The PostgreSQL adapter: a pool for queries and one dedicated client for LISTEN. */
export class PgDb implements Db {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #config: pg.PoolConfig;
  #listener: PgListener | undefined;

  constructor(options: PgDbOptions) {
    this.#config = {
      connectionString: options.connectionString,
      options: options.options,
      // Fail fast when the database is away instead of queueing requests until they hang.
      connectionTimeoutMillis: 2000,
      query_timeout: 10_000,
    };
    this.#pool = new pg.Pool({ ...this.#config, max: options.max ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.#pool.on('error', () => {});
  }

  async query<Row extends object>(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    const result = await this.#pool.query<Row>(sql, params as SqlParam[]);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.#pool.query(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    // pg-pool listens for errors only on idle clients. A checked-out client whose connection
    // dies between two queries of this transaction emits 'error' with no listener, which
    // crashes the process; the failure reaches us anyway as the next query's rejection.
    const ignoreError = () => {};
    client.on('error', ignoreError);
    const tx: Queryable = {
      query: async <Row extends object>(sql: string, params: readonly SqlParam[] = []) =>
        (await client.query<Row>(sql, params as SqlParam[])).rows,
      exec: async (sql: string) => {
        // Without parameters pg uses the simple protocol, which allows several statements.
        await client.query(sql);
      },
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch {
        client.release(true);
      }
      throw error;
    } finally {
      client.removeListener('error', ignoreError);
    }
  }

  async listen(
    channel: string,
    onMessage: (payload: string) => void,
    onConnectionChange?: (connected: boolean) => void,
  ) {
    assertChannelName(channel);
    this.#listener ??= new PgListener(this.#config);
    return this.#listener.subscribe(channel, onMessage, onConnectionChange);
  }

  poolStats(): PoolStats {
    return {
      total: this.#pool.totalCount,
      idle: this.#pool.idleCount,
      waiting: this.#pool.waitingCount,
    };
  }

  async close(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.close();
    await this.#pool.end();
  }
}
