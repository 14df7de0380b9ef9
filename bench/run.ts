// npm run bench — the server against a bare node:http baseline, in one run.
//   npm run bench -- --duration 3 --rounds 1 --warmup 3        a quick smoke run
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench   on PostgreSQL
//   npm run bench -- --scale                                   1,000 vs 1,000,000 tokens
//   npm run bench -- --metrics off                             the server with METRICS_ENABLED=false
//   DATABASE_URL=... npm run bench -- --usage                   auth with usage tracking on vs off
// Flags (or BENCH_* variables): see bench/options.ts.

import { ensureBuilt } from './build.js';
import { BenchFailure } from './load.js';
import { loadSummary, machineSummary } from './machine.js';
import { propagationProblems, runMultiInstance } from './multi-instance-run.js';
import { type BenchOptions, readOptions } from './options.js';
import { propagationTable, scaleTable, standardTable, summarise } from './report.js';
import { runScale } from './scale-mode.js';
import { runStandard } from './standard-mode.js';
import { runUsageComparison, usageTable } from './usage-mode.js';

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function settings(options: BenchOptions): string {
  return (
    `${options.connections} connections, ${options.durationSec} s x ${options.rounds} rounds ` +
    `after ${options.warmupSec} s warm-up; database: ${options.databaseUrl ? 'PostgreSQL' : 'PGlite'}; ` +
    `metrics ${options.metrics ? 'on' : 'off'}`
  );
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2), process.env);
  await ensureBuilt(options.forceBuild);
  const loadBefore = loadSummary();
  out(`machine: ${machineSummary()}`);
  out(`settings: ${settings(options)}`);
  out(`load average before (1/5/15 min): ${loadBefore}`);

  if (options.usageCompare) {
    const results = await runUsageComparison(options);
    out(`\n## Usage tracking: the auth scenario with it and without\n\n${usageTable(results)}`);
    out(`\nload average after: ${loadSummary()}`);
    return 0;
  }

  if (options.scaleSizes !== undefined) {
    const rows = await runScale(options, options.scaleSizes);
    out(`\n## Scale: the reader's auth and list as the token table grows\n\n${scaleTable(rows)}`);
    out(`\nload average after: ${loadSummary()}`);
    return 0;
  }

  const outcomes = await runStandard(options);
  out(
    `\n## Results (medians of ${options.rounds} rounds)\n\n${standardTable(outcomes.map(summarise))}`,
  );

  let problems: string[] = [];
  if (options.databaseUrl !== undefined) {
    out(`\n### Revocation propagation between two instances (${options.propagationTokens} tokens)`);
    const propagation = await runMultiInstance(options.databaseUrl, options.propagationTokens);
    out(`\n${propagationTable(propagation)}`);
    problems = propagationProblems(propagation);
  } else {
    out('\n(multi-instance propagation skipped: it needs DATABASE_URL, PGlite is single-process)');
  }
  out(`\nload average after: ${loadSummary()}`);
  for (const problem of problems) process.stderr.write(`FAILED: ${problem}\n`);
  return problems.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof BenchFailure
        ? error.message
        : error instanceof Error
          ? error.stack
          : String(error);
    process.stderr.write(`\nBENCHMARK FAILED: ${message}\n`);
    process.exit(1);
  },
);
