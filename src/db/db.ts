// The one storage port. Both adapters speak the same PostgreSQL dialect, so stores and
// migrations are written once.

export type SqlParam = string | number | boolean | null | Date;

export interface Queryable {
  query<Row extends object>(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a NOTIFY channel; the returned function unsubscribes. onConnectionChange
   * hears when notifications may have been missed (false) and when they flow again (true).
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onConnectionChange?: (connected: boolean) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** Connection pool counts, for metrics; absent where there is no pool (PGlite). */
  poolStats?(): PoolStats;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** PostgreSQL error codes the stores translate into domain outcomes. */
export const PgCode = {
  uniqueViolation: '23505',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

// Connection-level failures: the database is away, not the statement at fault.
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
]);

/** Whether error says the database could not be reached or the connection was lost. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = pgErrorCode(error);
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
    error.message,
  );
}

// Channel names are identifiers, never user input; this guards against a future mistake.
export function assertChannelName(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`Bad channel name: ${channel}`);
}
