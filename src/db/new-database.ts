// A first start's database: PGlite's initdb, run in a child process (pglite-create.ts) into a
// staging directory inside DATA_DIR, then moved into place. In the server's own process,
// initdb left ~55 MiB of the C allocator's memory resident until the next restart (218-224
// MiB at rest after a first start, ~165 after a later one); a process that exits gives all
// of it back. Staging keeps an interrupted creation from looking like a database: the
// directory holds one (PG_VERSION) only once every file is in place.

import { execFile } from 'node:child_process';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STAGING_DIR = '.unlatch-new';
/** initdb may run long on a slow disk; a child that hangs must not hold the start forever. */
const CREATE_TIMEOUT_MS = 300_000;

// The child's script: its build, or its TypeScript source under tsx (tests, `npm run dev`).
const CREATE_URL = new URL(
  import.meta.url.endsWith('.ts') ? './pglite-create.ts' : './pglite-create.js',
  import.meta.url,
);

/** Creates the database in `dataDir`, which holds none; the caller holds the directory's lock. */
export async function createDatabase(dataDir: string): Promise<void> {
  const staging = join(dataDir, STAGING_DIR);
  const fail = (why: string) =>
    new Error(`The embedded database could not be created in ${dataDir}: ${why}`);
  await rm(staging, { recursive: true, force: true }); // what an interrupted creation left
  await runChild(staging).catch((error: unknown) => {
    throw fail(error instanceof Error ? error.message : String(error));
  });
  // PG_VERSION last: until it is there, the next start creates the database again.
  const names = (await readdir(staging)).filter((name) => name !== 'PG_VERSION');
  for (const name of [...names, 'PG_VERSION']) {
    try {
      await rename(join(staging, name), join(dataDir, name));
    } catch {
      throw fail(
        `${join(dataDir, name)} is in the way. DATA_DIR must be an empty directory or hold an ` +
          'Unlatch database.',
      );
    }
  }
  await rm(staging, { recursive: true, force: true });
}

function runChild(directory: string): Promise<void> {
  const script = fileURLToPath(CREATE_URL);
  const args = CREATE_URL.pathname.endsWith('.ts')
    ? ['--import', import.meta.resolve('tsx'), script, directory]
    : [script, directory];
  return new Promise((resolve, reject) => {
    // The child's stdin is a pipe from this process: it ends when this process does, however
    // it ends, and the child then stops (pglite-create.ts) instead of writing on alone.
    execFile(process.execPath, args, { timeout: CREATE_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (error === null) return resolve();
      if (error.killed && error.signal === 'SIGTERM') {
        return reject(new Error(`initdb took longer than ${CREATE_TIMEOUT_MS / 1000} s`));
      }
      if (error.signal) return reject(new Error(`initdb was stopped by ${error.signal}`));
      reject(new Error(stderr.trim() || error.message));
    });
  });
}
