// Creates an embedded database (PGlite's initdb) in a process of its own, then exits:
// `node pglite-create.js <dataDir>`. Run by PgliteDb on a server's very first start. Creating
// a database in the server's own process left ~64 MiB in the C allocator's arenas resident
// until the next restart (228 MiB at rest against ~160 on an existing database); a process
// that exits gives all of it back.

import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_OPTIONS } from './pglite-options.js';

// As in the worker (pglite-worker.ts): V8's baseline compiler only. Its optimising compiler
// would recompile PostgreSQL's hot functions on the cores the server is starting on.
setFlagsFromString('--liftoff-only');

const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write('usage: pglite-create <dataDir>\n');
  process.exit(2);
}
try {
  const pg = await PGlite.create(dataDir, PGLITE_OPTIONS);
  await pg.close();
} catch (error) {
  process.stderr.write(`${describe(error)}\n`);
  process.exit(1);
}

/** PGlite's file system throws Emscripten's ErrnoError, a plain object with a number. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  const { name, errno } = (error ?? {}) as { name?: unknown; errno?: unknown };
  const what = typeof name === 'string' ? name : String(error);
  const code = typeof errno === 'number' ? ` (errno ${errno})` : '';
  return `${what}${code}. It must be an empty directory or hold an Unlatch database.`;
}
