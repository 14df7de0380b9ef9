// Usage mode: what counting requests per token per day (and keeping the last address and
// user agent) costs the hot path. Two servers on one database, PAT_USAGE_TRACKING on and
// off, measured with the auth scenario in alternating rounds, so that a disturbance on this
// shared machine hits both.

import { type Child, SERVER_ENV, startServer } from './children.js';
import { createBenchDatabase } from './database.js';
import { type LoadResult, runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { formatRound } from './report.js';
import { preflight } from './preflight.js';
import { buildScenarios } from './scenarios.js';
import { seedFixtures } from './seed.js';
import { median, round } from './stats.js';

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export interface UsageComparison {
  on: LoadResult[];
  off: LoadResult[];
}

export async function runUsageComparison(options: BenchOptions): Promise<UsageComparison> {
  if (options.databaseUrl === undefined) {
    throw new Error('--usage runs two servers on one database: it needs DATABASE_URL');
  }
  const database = await createBenchDatabase(options.databaseUrl);
  const children: Child[] = [];
  try {
    const db = await database.open();
    const fixtures = await seedFixtures(db, 1).finally(() => db.close());
    const env = { ...database.serverEnv, ...SERVER_ENV, METRICS_ENABLED: String(options.metrics) };
    const on = await startServer('usage-on', { ...env, PAT_USAGE_TRACKING: 'true' });
    children.push(on);
    const off = await startServer('usage-off', { ...env, PAT_USAGE_TRACKING: 'false' });
    children.push(off);
    await preflight(on.url, fixtures.readerTokens);
    await preflight(off.url, fixtures.readerTokens);
    const auth = buildScenarios(fixtures).auth;
    const timed = { connections: options.connections, durationSec: options.durationSec };
    if (options.warmupSec > 0) {
      const warmup = { connections: options.connections, durationSec: options.warmupSec };
      for (const server of [on, off]) {
        await runLoad(`auth warm-up ${server.name}`, server.url, auth.requests(), warmup);
        await server.settle();
      }
    }
    const results: UsageComparison = { on: [], off: [] };
    for (let r = 1; r <= options.rounds; r++) {
      // Alternate which goes first, so neither always runs on a warmer machine.
      const order = r % 2 === 1 ? ([on, off] as const) : ([off, on] as const);
      for (const server of order) {
        const result = await runLoad(`auth ${server.name}`, server.url, auth.requests(), timed);
        log(formatRound(`round ${r} ${server.name}`, result));
        (server === on ? results.on : results.off).push(result);
        await server.settle();
      }
    }
    return results;
  } finally {
    for (const child of children.reverse()) await child.stop();
    await database.dispose();
  }
}

export function usageTable(results: UsageComparison): string {
  const rps = (rs: readonly LoadResult[]) => median(rs.map((r) => r.requestsPerSec));
  const p99 = (rs: readonly LoadResult[]) => median(rs.map((r) => r.p99Ms));
  // Paired by round: the two runs of a round saw the same machine, so their ratio is steadier
  // than the ratio of medians when other work comes and goes.
  const ratios = results.on.map(
    (on, i) => on.requestsPerSec / (results.off[i]?.requestsPerSec ?? NaN),
  );
  const ratio = median(ratios);
  return [
    '| PAT_USAGE_TRACKING | auth req/s (median) | p99 ms (median) |',
    '| ------------------ | ------------------- | --------------- |',
    `| true               | ${Math.round(rps(results.on))} | ${round(p99(results.on))} |`,
    `| false              | ${Math.round(rps(results.off))} | ${round(p99(results.off))} |`,
    '',
    `on/off by round: ${ratios.map((r) => round(r, 3)).join(', ')}; median ${round(ratio, 3)}`,
    `usage tracking costs ${round((1 - ratio) * 100)} % of the auth throughput (target < 5 %; negative: within noise)`,
  ].join('\n');
}
