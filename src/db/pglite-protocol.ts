// The messages between PgliteDb (the server's thread) and the worker thread that runs PGlite.
// Values cross by structured clone, which keeps what rows and parameters hold (strings,
// numbers, booleans, null, Date, plain objects and arrays from jsonb) but drops an error's
// class: errors cross as their fields and are rebuilt on the other side.

import type { SqlParam } from './db.js';

export interface WorkerOptions {
  /** Undefined: an in-memory database (tests). */
  dataDir: string | undefined;
  searchPath: string | undefined;
}

export type Request =
  | { id: number; op: 'query'; sql: string; params: readonly SqlParam[]; tx?: number }
  | { id: number; op: 'exec'; sql: string; tx?: number }
  /** Starts a transaction; the answer is its number, for the queries that belong to it. */
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  /** Subscribes to a channel; the answer is the subscription's number. */
  | { id: number; op: 'listen'; channel: string }
  | { id: number; op: 'unlisten'; subscription: number }
  | { id: number; op: 'close' };

export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  /** The error's own scalar fields: PostgreSQL's code, detail, constraint and the like. */
  fields: Record<string, string | number | boolean>;
}

export type Message =
  | { kind: 'ready' }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'answer'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'notification'; subscription: number; payload: string };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: String(error), stack: undefined, fields: {} };
  }
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      fields[key] = value;
    }
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

/** The error again, with its fields (so pgErrorCode reads `code` as before). */
export function deserializeError(serialized: SerializedError): Error {
  const error = Object.assign(new Error(serialized.message), serialized.fields);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
