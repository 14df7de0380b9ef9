#!/usr/bin/env node
// The `unlatch` executable. Exit codes: 0 ok, 1 the operation failed, 2 usage.

import { CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { isConnectionError } from '../db/db.js';
import { ApiError } from '../core/errors.js';
import { NotMigratedError } from './context.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './output.js';
import { buildProgram, type Outcome } from './program.js';

function report(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    // commander has already printed its message (or the help it was asked for).
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
      ? EXIT_OK
      : EXIT_USAGE;
  }
  const code = error instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  let body: { name: string; message: string; details?: unknown };
  if (error instanceof ApiError) {
    const { name, message, details } = error.toBody();
    body = { name, message, details };
  } else if (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof DataDirLockedError ||
    error instanceof NotMigratedError
  ) {
    body = { name: error.name, message: error.message };
  } else if (isConnectionError(error)) {
    body = {
      name: 'DatabaseUnavailable',
      message: `The database cannot be reached: ${(error as Error).message}`,
    };
  } else {
    body = { name: 'Error', message: error instanceof Error ? error.message : String(error) };
  }
  process.stderr.write(`unlatch: ${body.message}\n`);
  if (body.name === 'UsageError') process.stderr.write('(add --help for usage)\n');
  if (json) process.stdout.write(`${JSON.stringify({ error: body }, null, 2)}\n`);
  return code;
}

async function main(argv: readonly string[]): Promise<void> {
  const outcome: Outcome = { exitCode: EXIT_OK };
  let serving = false;
  const program = buildProgram(outcome, async () => {
    serving = true;
    // Loaded only to serve: the other commands do without the web stack.
    const { runServer } = await import('../server.js');
    await runServer();
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    process.exitCode = report(error, argv.includes('--json'));
    return;
  }
  // The server keeps the process alive and exits through its signal handlers.
  if (!serving) process.exitCode = outcome.exitCode;
}

await main(process.argv);
