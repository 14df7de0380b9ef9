import { Worker } from 'node:worker_threads';
import { lockDataDir } from './data-dir-lock.js';
import { assertChannelName, type Db, type Queryable, type SqlParam } from './db.js';
import {
  deserializeError,
  type Message,
  type Request,
  type WorkerOptions,
} from './pglite-protocol.js';
import { createDatabase } from './new-database.js';
import { holdsDatabase } from './pglite-options.js';

// The worker's module: its build, or its TypeScript source under tsx (tests, `npm run dev`).
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './pglite-worker.ts' : './pglite-worker.js',
  import.meta.url,
);

/**
 * The worker's young generation, in MB. V8 lets it grow to 48 MB (two 16 MB semi-spaces and
 * their large objects), and under a stream of writes it does, though what the worker keeps
 * between statements is small: the standard benchmark's RSS after its create scenario went
 * from 245 to 207-217 MiB with this limit, at the same rate of creates (decision 18).
 */
const WORKER_YOUNG_GENERATION_MB = 6;

/**
 * Starts the worker. A worker thread does not inherit tsx's module hooks from `--import tsx`
 * on Node 20, so from the sources a small bootstrap registers them in the worker first.
 */
function startWorker(options: WorkerOptions): Worker {
  const settings = {
    workerData: options,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  };
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL, settings);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); ` +
    `return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(bootstrap, { ...settings, eval: true });
}

/** A request without its id, which #call adds. */
type Call = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

/**
 * The embedded adapter. PGlite runs in a worker thread (pglite-worker.ts) and is one
 * connection: it runs statements one at a time, and a transaction holds it exclusively,
 * which is what makes the same SQL safe here. This side sends each statement and waits for
 * its answer.
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  readonly #worker: Worker;
  readonly #unlock: () => Promise<void>;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #listeners = new Map<number, (payload: string) => void>();
  #nextId = 1;
  /** Set when the worker has stopped: every call after it fails with this. */
  #stopped: Error | undefined;

  /** Set while PGlite is opening in the worker: statements wait for it (see start). */
  #opening: Promise<void> | undefined;

  private constructor(worker: Worker, unlock: () => Promise<void>) {
    this.#worker = worker;
    this.#unlock = unlock;
    this.#opening = opened(worker).then(
      () => {
        this.#opening = undefined;
        worker.on('message', (message: Message) => this.#receive(message));
        worker.on('error', (error) => this.#stop(error));
        worker.on('exit', (code) =>
          this.#stop(new Error(`The embedded database's worker stopped (exit code ${code}).`)),
        );
        // Like PGlite in this thread, the worker keeps the process alive only while a
        // statement is waiting for its answer: a command that forgets to close still ends.
        if (this.#pending.size === 0) worker.unref();
      },
      async (error: unknown) => {
        this.#stop(error instanceof Error ? error : new Error(String(error)));
        await worker.terminate();
        await unlock();
        throw error;
      },
    );
    // Whoever awaits `opened` or a statement sees the failure; nobody else needs to.
    this.#opening.catch(() => {});
  }

  /**
   * Takes the data directory and starts PGlite opening in its worker, without waiting for it
   * (~0.5 s): statements sent meanwhile wait for the open, and fail with its error if it
   * fails. The server builds its app in that time (server.ts). A directory without a
   * database gets one first, in a child process (createDatabase), which this waits for.
   * dataDir undefined: an in-memory database (tests).
   */
  static async start(dataDir: string | undefined, searchPath?: string): Promise<PgliteDb> {
    const release = dataDir === undefined ? async () => {} : await lockDataDir(dataDir);
    // Once only: a failed open releases it, and a close after that must not remove a lock
    // another process has taken since.
    let released: Promise<void> | undefined;
    const unlock = () => (released ??= release());
    try {
      if (dataDir !== undefined && !(await holdsDatabase(dataDir))) await createDatabase(dataDir);
      return new PgliteDb(startWorker({ dataDir, searchPath }), unlock);
    } catch (error) {
      await unlock();
      throw error;
    }
  }

  /** Starts PGlite and waits until it is open; rejects with why it could not open. */
  static async open(dataDir: string | undefined, searchPath?: string): Promise<PgliteDb> {
    const db = await PgliteDb.start(dataDir, searchPath);
    await db.opened;
    return db;
  }

  /** Resolves once PGlite is open (at once after `open`); rejects if it could not open. */
  get opened(): Promise<void> {
    return this.#opening ?? Promise.resolve();
  }

  async query<Row extends object>(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    return (await this.#call({ op: 'query', sql, params })) as Row[];
  }

  async exec(sql: string): Promise<void> {
    await this.#call({ op: 'exec', sql });
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const tx = (await this.#call({ op: 'begin' })) as number;
    let result: T;
    try {
      result = await fn({
        query: async <Row extends object>(sql: string, params: readonly SqlParam[] = []) =>
          (await this.#call({ op: 'query', sql, params, tx })) as Row[],
        exec: async (sql: string) => {
          await this.#call({ op: 'exec', sql, tx });
        },
      });
    } catch (error) {
      // Rolled back; a failure to roll back (the worker gone) must not hide the cause.
      await this.#call({ op: 'end', tx, commit: false }).catch(() => {});
      throw error;
    }
    await this.#call({ op: 'end', tx, commit: true });
    return result;
  }

  // In this process: no connection to lose, so onConnectionChange never fires.
  async listen(channel: string, onMessage: (payload: string) => void) {
    assertChannelName(channel);
    const subscription = (await this.#call({ op: 'listen', channel })) as number;
    this.#listeners.set(subscription, onMessage);
    return async () => {
      this.#listeners.delete(subscription);
      await this.#call({ op: 'unlisten', subscription });
    };
  }

  async close(): Promise<void> {
    try {
      if (this.#stopped === undefined) await this.#call({ op: 'close' });
    } finally {
      this.#stopped ??= new Error('The embedded database is closed.');
      await this.#worker.terminate();
      await this.#unlock();
    }
  }

  #call(call: Call): Promise<unknown> {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped);
    if (this.#opening !== undefined) return this.#opening.then(() => this.#call(call));
    const id = this.#nextId++;
    if (this.#pending.size === 0) this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...call, id });
    });
  }

  #receive(message: Message): void {
    switch (message.kind) {
      case 'answer':
      case 'error': {
        const waiting = this.#pending.get(message.id);
        if (waiting === undefined) return;
        this.#pending.delete(message.id);
        if (this.#pending.size === 0) this.#worker.unref();
        if (message.kind === 'answer') waiting.resolve(message.value);
        else waiting.reject(deserializeError(message.error));
        return;
      }
      case 'notification':
        this.#listeners.get(message.subscription)?.(message.payload);
        return;
      default:
        return;
    }
  }

  /** The worker is gone: whatever waits on it fails, and so does every later call. */
  #stop(error: Error): void {
    this.#stopped ??= error;
    for (const waiting of this.#pending.values()) waiting.reject(this.#stopped);
    this.#pending.clear();
  }
}

/** Resolves when the worker has opened the database; rejects with why it could not. */
function opened(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (message.kind === 'ready') done(() => resolve());
      else if (message.kind === 'failed') done(() => reject(deserializeError(message.error)));
    };
    const onError = (error: Error) => done(() => reject(error));
    const onExit = (code: number) =>
      done(() => reject(new Error(`The embedded database's worker exited (code ${code}).`)));
    const done = (settle: () => void) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      settle();
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}
