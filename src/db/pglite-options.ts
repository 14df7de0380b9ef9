// What PGlite is opened with, wherever it is opened (the worker, or the process that creates
// a database).

import { access } from 'node:fs/promises';
import { join } from 'node:path';

// PostgreSQL's default 128 MB of shared buffers nearly doubles the process's memory; a
// laptop-sized database is served as well from 16 MB (RSS ~300 MB -> ~175 MB measured).
export const PGLITE_OPTIONS = { postgresqlconf: ['shared_buffers = 16MB'] };

/** Whether a PostgreSQL data directory already exists there (it has a PG_VERSION file). */
export async function holdsDatabase(dataDir: string): Promise<boolean> {
  try {
    await access(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}
