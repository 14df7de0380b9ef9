// npm run bench:multi — token revocation propagation between two instances on PostgreSQL.
// DATABASE_URL names the server and a database to connect to for CREATE DATABASE; a fresh
// database is made for the run and dropped after it.

import { ensureBuilt } from './build.js';
import { loadSummary, machineSummary } from './machine.js';
import { propagationProblems, runMultiInstance } from './multi-instance-run.js';
import { readOptions } from './options.js';
import { propagationTable } from './report.js';

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2), process.env);
  if (options.databaseUrl === undefined) {
    process.stderr.write(
      'bench:multi needs PostgreSQL (PGlite is single-process): set DATABASE_URL, e.g.\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:multi\n',
    );
    return 2;
  }
  await ensureBuilt(options.forceBuild);
  process.stdout.write(`machine: ${machineSummary()}; load average ${loadSummary()}\n`);
  const result = await runMultiInstance(options.databaseUrl, options.propagationTokens);
  process.stdout.write(`\n## Revocation propagation, A -> B\n\n${propagationTable(result)}\n`);
  process.stdout.write(`\nload average after: ${loadSummary()}\n`);
  const problems = propagationProblems(result);
  for (const problem of problems) process.stderr.write(`FAILED: ${problem}\n`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:multi failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);
