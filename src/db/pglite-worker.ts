// The worker thread that runs PGlite for PgliteDb. PostgreSQL in WebAssembly runs
// synchronously on whichever thread calls it: here, starting it (about 0.6 s of CPU) overlaps
// with the server's thread loading the web stack, and a slow query no longer holds up
// requests that the caches answer. The protocol is in pglite-protocol.ts.

import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { SqlParam } from './db.js';
import { holdsDatabase, PGLITE_OPTIONS } from './pglite-options.js';
import {
  type Message,
  type Request,
  serializeError,
  type WorkerOptions,
} from './pglite-protocol.js';

if (parentPort === null) throw new Error('pglite-worker.ts runs as a worker thread only');
const port = parentPort;

function send(message: Message): void {
  port.postMessage(message);
}

/**
 * PostgreSQL in WebAssembly is compiled by V8's baseline compiler (Liftoff) alone. By default
 * V8 also recompiles every hot function with its optimising compiler (TurboFan) while the
 * server starts and takes its first requests: that work competes for the machine's cores,
 * and its code and compiler memory stay resident (RSS 131 MiB instead of 172 after opening a
 * database), while a loop of point queries ran at the same rate either way (docs/decisions/
 * 0016). V8's flags are per process; PGlite is the only WebAssembly Unlatch runs.
 */
setFlagsFromString('--liftoff-only');

async function openPglite({ dataDir, searchPath }: WorkerOptions): Promise<PGlite> {
  const options = PGLITE_OPTIONS;
  let pg: PGlite;
  if (dataDir === undefined) {
    pg = await PGlite.create(options);
  } else {
    const existed = await holdsDatabase(dataDir);
    pg = await PGlite.create(dataDir, options);
    if (!existed) {
      // PgliteDb creates the database in a process of its own first (pglite-create.ts), so
      // this is for a directory emptied in between. Creating the database (initdb) leaves
      // ~400 MiB of WebAssembly memory reachable from this PGlite until it closes (measured:
      // RSS 567 MiB after creating, ~200 after reopening): reopening gives that memory back.
      await pg.close();
      pg = await PGlite.create(dataDir, options);
    }
  }
  if (searchPath !== undefined) {
    await pg.exec(`CREATE SCHEMA IF NOT EXISTS ${searchPath}; SET search_path TO ${searchPath}`);
  }
  return pg;
}

/** Requests for one open transaction, handed to the callback that holds PGlite's lock. */
class TransactionInbox {
  readonly #waiting: Request[] = [];
  #wake: (() => void) | undefined;

  push(request: Request): void {
    this.#waiting.push(request);
    this.#wake?.();
  }

  async next(): Promise<Request> {
    for (;;) {
      const request = this.#waiting.shift();
      if (request !== undefined) return request;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}

/** Thrown inside PGlite's transaction callback to make it roll back. */
const ROLL_BACK = Symbol('roll back');

async function serve(pg: PGlite): Promise<void> {
  const transactions = new Map<number, TransactionInbox>();
  const subscriptions = new Map<number, () => Promise<void>>();
  let nextTransaction = 1;
  let nextSubscription = 1;

  const answer = (id: number, work: Promise<unknown>) =>
    work.then(
      (value) => send({ kind: 'answer', id, value }),
      (error: unknown) => send({ kind: 'error', id, error: serializeError(error) }),
    );

  const run = async (on: PGlite | Transaction, request: Request): Promise<unknown> => {
    if (request.op === 'query') {
      return (await on.query(request.sql, request.params as SqlParam[])).rows;
    }
    if (request.op === 'exec') {
      await on.exec(request.sql);
      return undefined;
    }
    throw new Error(`${request.op} is not a statement`);
  };

  const begin = (id: number) => {
    const number = nextTransaction++;
    const inbox = new TransactionInbox();
    transactions.set(number, inbox);
    let end: Extract<Request, { op: 'end' }> | undefined;
    pg.transaction(async (tx) => {
      send({ kind: 'answer', id, value: number });
      for (;;) {
        const request = await inbox.next();
        if (request.op === 'end') {
          end = request;
          if (!request.commit) throw ROLL_BACK;
          return;
        }
        // One statement at a time, in order, as the caller awaits each.
        await answer(request.id, run(tx, request));
      }
    })
      .then(
        () => end !== undefined && send({ kind: 'answer', id: end.id, value: undefined }),
        (error: unknown) => {
          if (end !== undefined) {
            if (error === ROLL_BACK) send({ kind: 'answer', id: end.id, value: undefined });
            else send({ kind: 'error', id: end.id, error: serializeError(error) });
          } else {
            // BEGIN itself failed: the caller still waits for its number.
            send({ kind: 'error', id, error: serializeError(error) });
          }
        },
      )
      .finally(() => transactions.delete(number));
  };

  port.on('message', (request: Request) => {
    switch (request.op) {
      case 'query':
      case 'exec': {
        if (request.tx === undefined) {
          void answer(request.id, run(pg, request));
          return;
        }
        const inbox = transactions.get(request.tx);
        if (inbox === undefined) {
          const error = new Error(`Transaction ${request.tx} has ended.`);
          send({ kind: 'error', id: request.id, error: serializeError(error) });
          return;
        }
        inbox.push(request);
        return;
      }
      case 'begin':
        begin(request.id);
        return;
      case 'end': {
        const inbox = transactions.get(request.tx);
        if (inbox === undefined) send({ kind: 'answer', id: request.id, value: undefined });
        else inbox.push(request);
        return;
      }
      case 'listen': {
        const subscription = nextSubscription++;
        void answer(
          request.id,
          pg
            .listen(request.channel, (payload) =>
              send({ kind: 'notification', subscription, payload }),
            )
            .then((unsubscribe) => {
              subscriptions.set(subscription, unsubscribe);
              return subscription;
            }),
        );
        return;
      }
      case 'unlisten': {
        const unsubscribe = subscriptions.get(request.subscription);
        subscriptions.delete(request.subscription);
        void answer(request.id, unsubscribe?.() ?? Promise.resolve());
        return;
      }
      case 'close':
        void answer(request.id, pg.close());
        return;
    }
  });
}

try {
  const pg = await openPglite(workerData as WorkerOptions);
  await serve(pg);
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', error: serializeError(error) });
}
