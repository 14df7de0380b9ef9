// Runs the server: what `node dist/src/main.js`, `npm start` and `unlatch serve` do.

import { ConfigError, loadConfig } from './config.js';
import { migrate } from './db/migrate.js';
import { openDb } from './db/open-db.js';
import { bootstrapAdmin } from './features/users/bootstrap-admin.js';
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

export async function runServer(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  // Overlapped: opening PGlite waits on its WebAssembly compiling off the main thread, time
  // in which the main thread loads the web stack (Fastify, its plugins, the routes).
  const dbOpened = openDb(config);
  const appLoaded = import('./app.js');
  appLoaded.catch(() => {}); // surfaces below, if the database opened
  const db = await dbOpened;
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

  const { buildApp } = await appLoaded;
  const { app } = await buildApp({ config, db, logger });
  await app.listen({ port: config.port, host: config.host });
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
      await app.close(); // waits for in-flight requests, then flushes seenAt (onClose)
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
