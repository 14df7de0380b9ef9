// The standard run: every scenario against the server and the baseline, alternating, so
// that a disturbance on this shared machine hits both sides rather than one.

import { type Child, SERVER_ENV, startBaseline, startServer } from './children.js';
import { createBenchDatabase } from './database.js';
import { startGatewaySetting } from './gateway-mode.js';
import { type LoadResult, runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { formatRound, type ScenarioOutcome } from './report.js';
import { buildScenarios, type Scenario } from './scenarios.js';
import { preflight } from './preflight.js';
import { seedFixtures } from './seed.js';

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function measureScenario(
  scenario: Scenario,
  server: Child,
  baseline: Child,
  options: BenchOptions,
): Promise<ScenarioOutcome> {
  log(`\n### ${scenario.title}`);
  const timed = { connections: options.connections, durationSec: options.durationSec };
  if (options.warmupSec > 0) {
    const warmup = { connections: options.connections, durationSec: options.warmupSec };
    await runLoad(`${scenario.name} warm-up server`, server.url, scenario.requests(), warmup);
    await server.settle();
    await runLoad(`${scenario.name} warm-up baseline`, baseline.url, scenario.requests(), warmup);
    await baseline.settle();
  }
  const measureRound = (child: Child, side: string) =>
    runLoad(`${scenario.name} ${side}`, child.url, scenario.requests(), timed, child.cpuMs);
  const serverResults: LoadResult[] = [];
  const baselineResults: LoadResult[] = [];
  let serverRssKiB = 0;
  for (let round = 1; round <= options.rounds; round++) {
    const s = await measureRound(server, 'server');
    serverRssKiB = await server.rssKiB();
    log(formatRound(`round ${round} server`, s));
    serverResults.push(s);
    await server.settle();
    const b = await measureRound(baseline, 'baseline');
    await baseline.settle();
    log(formatRound(`round ${round} baseline`, b));
    baselineResults.push(b);
  }
  log(`server RSS after load: ${Math.round(serverRssKiB / 1024)} MiB`);
  return { scenario, server: serverResults, baseline: baselineResults, serverRssKiB };
}

export async function runStandard(options: BenchOptions): Promise<ScenarioOutcome[]> {
  const database = await createBenchDatabase(options.databaseUrl);
  const children: Child[] = [];
  try {
    const db = await database.open();
    const fixtures = await seedFixtures(db, options.users).finally(() => db.close());
    const server = await startServer('server', {
      ...database.serverEnv,
      ...SERVER_ENV,
      METRICS_ENABLED: String(options.metrics),
    });
    children.push(server);
    const baseline = await startBaseline();
    children.push(baseline);
    await preflight(server.url, fixtures.readerTokens);
    log(`server pid ${server.pid} (${database.kind}), baseline pid ${baseline.pid}`);
    log(`server RSS before load: ${Math.round((await server.rssKiB()) / 1024)} MiB`);
    const scenarios = buildScenarios(fixtures);
    const outcomes: ScenarioOutcome[] = [];
    for (const name of options.scenarios) {
      if (name === 'gateway') {
        // nginx with auth_request against the same nginx without auth (bench/gateway-mode.ts).
        const gateway = await startGatewaySetting(server.url);
        children.push({ ...gateway.withAuth, stop: () => gateway.stop() });
        log(
          `nginx pids ${gateway.withAuth.pid} (auth_request), ${gateway.withoutAuth.pid} (no auth)`,
        );
        outcomes.push(
          await measureScenario(scenarios[name], gateway.withAuth, gateway.withoutAuth, options),
        );
        continue;
      }
      outcomes.push(await measureScenario(scenarios[name], server, baseline, options));
    }
    if (options.metrics) await logMetrics(server.url);
    return outcomes;
  } finally {
    for (const child of children) await child.stop();
    await database.dispose();
  }
}

/** What the server's own metrics counted over the run: its counters, not the histogram. */
async function logMetrics(url: string): Promise<void> {
  const response = await fetch(`${url}/internal-backstage/prometheus`);
  const text = await response.text();
  const lines = text
    .split('\n')
    .filter((line) => /^(unlatch_\w+|http_request_duration_seconds_count)\b/.test(line));
  log(`\n### The server's metrics after the run\n\n${lines.join('\n')}`);
}
