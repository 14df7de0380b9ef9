// What a command works with: the same configuration, database and services as the server,
// opened for the duration of one command and closed after it.

import pino from 'pino';
import { createServices, type Services } from '../composition.js';
import { type Config, loadConfig } from '../config.js';
import type { Db } from '../db/db.js';
import { loadMigrations, pendingVersions } from '../db/migrate.js';
import { openDb } from '../db/open-db.js';
import { createLogger } from '../logger.js';

export interface CliContext {
  config: Config;
  db: Db;
  services: Services;
}

/** Versions the code knows but the database has not applied. */
export async function pendingMigrations(db: Db): Promise<number[]> {
  return pendingVersions(db, await loadMigrations());
}

export class NotMigratedError extends Error {
  override name = 'NotMigratedError';
  constructor(pending: readonly number[]) {
    super(
      `The database is not up to date (migrations ${pending.join(', ')} pending): run \`unlatch migrate\` first.`,
    );
  }
}

/**
 * Opens the database named by the environment, checks that it is migrated (a command must
 * not write into a schema it does not know), runs fn, and closes everything, also on error.
 */
export async function withContext<T>(
  fn: (context: CliContext) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  // Metrics are the server's; a one-shot command has nothing to scrape.
  const config = loadConfig({ ...env, METRICS_ENABLED: 'false' });
  const db = await openDb(config);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length > 0) throw new NotMigratedError(pending);
    // Warnings and errors only, to stderr: stdout is the command's answer (and maybe JSON).
    const logger = createLogger(
      config.logLevel === 'info' ? 'warn' : config.logLevel,
      pino.destination({ dest: 2, sync: true }),
    );
    const services = createServices(config, db, logger);
    return await fn({ config, db, services });
  } finally {
    await db.close();
  }
}
