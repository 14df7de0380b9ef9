// Creates an embedded database (PGlite's initdb) in a process of its own, then exits:
// `node pglite-create.js <directory>`. Run by new-database.ts on a server's very first start
// (why a process of its own: see there).

import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_OPTIONS } from './pglite-options.js';

// As in the worker (pglite-worker.ts): V8's baseline compiler only. Its optimising compiler
// would recompile PostgreSQL's hot functions on the cores the server is starting on.
setFlagsFromString('--liftoff-only');

const directory = process.argv[2];
if (directory === undefined) {
  process.stderr.write('usage: pglite-create <directory>\n');
  process.exit(2);
}
// Stdin is a pipe from the server that started this: when it ends, the server has gone (killed
// during its first start, say), and a database created now would be written with nobody
// holding the directory's lock.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();
try {
  const pg = await PGlite.create(directory, PGLITE_OPTIONS);
  await pg.close();
  process.exit(0);
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
  return `${what}${code}`;
}
