// npm run fuzz [-- --runs N] [-- --seed S]: the route fuzzer of test/fuzz, run longer.
// Prints how many requests it sent, the status codes they got, and any failure with the seed
// and the (shrunk) request that reproduces it. Exits 1 on a failure.
// To replay a failure in npm test's fuzzer, run again with the printed seed.

import { parseArgs } from 'node:util';
import { formatHistogram, runFuzz } from '../test/fuzz/http-fuzz.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: process.env.FUZZ_RUNS ?? '5000' },
    seed: { type: 'string', default: process.env.FUZZ_SEED },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- [--runs N] [--seed S]\n');
  process.exit(2);
}

const started = Date.now();
process.stdout.write(
  `fuzzing every route with ${runs} generated requests, seed ${seed}, database ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}\n`,
);
const report = await runFuzz({ seed, numRuns: runs, shrink: true });
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const fiveHundreds = [...report.histogram]
  .filter(([status]) => typeof status === 'number' && status >= 500)
  .reduce((sum, [, count]) => sum + count, 0);
process.stdout.write(
  `sent ${report.sent} requests in ${seconds} s (seed ${report.seed})\n` +
    `status codes: ${formatHistogram(report.histogram)}\n` +
    `5xx answers: ${fiveHundreds}\n` +
    `slowest answers: ${report.slowest.map((s) => `${s.ms} ms ${s.status} ${s.request}`).join('; ')}\n`,
);
if (report.failure) {
  process.stdout.write(
    `FAILED: ${report.failure.error}\n` +
      `  replay: npm run fuzz -- --seed ${report.failure.seed} --runs ${runs}\n` +
      `  fast-check path: ${report.failure.path}\n` +
      `  request: ${report.failure.counterexample}\n`,
  );
  process.exit(1);
}
process.stdout.write('no failures\n');
