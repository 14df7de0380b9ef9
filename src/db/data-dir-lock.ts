// PGlite keeps no lock of its own: two processes opening one data directory both succeed
// and then overwrite each other's files. This lock file (the owner's pid) makes the second
// one stop with a clear message instead: a server and `unlatch` cannot share DATA_DIR.

import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'unlatch.lock';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid} (a running Unlatch server?). ` +
        'PGlite admits one process at a time: stop that process first, or use PostgreSQL ' +
        `(DATABASE_URL) to share a database. If no such process runs, remove ${join(dataDir, LOCK_FILE)}.`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock or throws DataDirLockedError; returns the release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  await mkdir(dataDir, { recursive: true }); // PGlite creates it too, but after the lock
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx'); // fails if it exists: the atomic step
      await file.writeFile(String(process.pid));
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new DataDirLockedError(dataDir, pid);
    }
    // Left by a process that is gone (killed, crashed): stale, take it over.
    await rm(path, { force: true });
  }
  throw new Error(`Could not lock ${dataDir}: its lock file keeps reappearing.`);
}
