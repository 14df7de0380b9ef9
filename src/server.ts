// Runs the server: what `node dist/src/main.js`, `npm start` and `unlatch serve` do.

import { type Config, ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import type { Db } from './db/db.js';
import { startDb } from './db/open-db.js';
import { bootstrapAdmin } from './features/users/bootstrap-admin.js';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createLogger } from './logger.js';

function readConfig() {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Unlatch cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Migrates the database and, on a first start, creates the Admin (printing a generated
 * password once). */
async function prepareDatabase(db: Db, config: Config, logger: Logger): Promise<void> {
  const applied = await migrate(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');

  const admin = await bootstrapAdmin(db, config.adminUsername, config.adminPassword);
  if (admin.generatedPassword !== undefined) {
    // Printed once, on stderr: the JSON log is on stdout, where log shippers collect every
    // line and would keep the password in a log store.
    process.stderr.write(
      `\n  First start: created the Admin user.\n    username: ${admin.username}\n    password: ${admin.generatedPassword}\n  Store it now; it will not be shown again. Set UNLEASH_DEFAULT_ADMIN_PASSWORD to choose it instead.\n\n`,
    );
  } else if (admin.created) {
    logger.info({ username: admin.username }, 'created the Admin user');
  }
}

export async function runServer(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  // Three things overlap. PGlite opens in its worker thread (~0.5 s of WebAssembly compiling
  // and PostgreSQL starting) while this thread loads the web stack and builds the app, which
  // asks nothing of the database until it is made ready; migrations and the first Admin are
  // queued for the moment the database is open. On PostgreSQL the same order costs nothing.
  // A first start on PGlite creates the database in a child process before any of this.
  const { db, ready } = await startDb(config);
  const prepared = ready.then(() => prepareDatabase(db, config, logger));
  prepared.catch(() => {}); // surfaces below, once the app is built
  let app: FastifyInstance | undefined;
  try {
    const { buildApp } = await import('./app.js');
    ({ app } = await buildApp({ config, db, logger }));
    await prepared;
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // Nothing is left running or half-written: the migrations finish (a first start's new
    // data directory is not cut off mid-write), then the app and the database close, which
    // also gives back the data directory's lock and PostgreSQL's LISTEN connection.
    await prepared.catch(() => {});
    await app?.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
  const server = app;
  logger.info(
    { database: config.databaseUrl === undefined ? `embedded (${config.dataDir})` : 'postgresql' },
    `Unlatch listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    try {
      await server.close(); // waits for in-flight requests, then flushes seenAt (onClose)
      await db.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The process's entry: any failure to start is one line on stderr and exit code 1. */
export function serveOrExit(): void {
  runServer().catch((error: unknown) => {
    process.stderr.write(
      `Unlatch failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
