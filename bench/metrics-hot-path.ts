// What metrics cost a request directly: the calls a cached-token request makes when
// METRICS_ENABLED is on (two clock reads, one histogram observe, one outcome count), timed
// in a loop against the same loop with NO_METRICS. The whole-server comparison
// (`npm run bench -- --scenarios auth --metrics on|off`) is the target's measure, but on
// this machine its noise (±5%) is larger than the effect; this bounds the effect from below.
//
//   npx tsx bench/metrics-hot-path.ts [calls]

import { createMetrics, type Metrics, NO_METRICS } from '../src/http/metrics.js';

const calls = Number(process.argv[2] ?? 5_000_000);
const on = createMetrics({
  credentialCacheEntries: () => 0,
  db: { kind: 'pglite', poolStats: () => ({ total: 1, idle: 1, waiting: 0 }) },
});

/** One request's metric calls, as the read lane and the authenticator make them. */
function request(metrics: Metrics): void {
  const started = metrics.enabled ? performance.now() : 0;
  metrics.authOutcome('cache_hit');
  if (metrics.enabled)
    metrics.observeRoute('/api/admin/user', 'GET', 200, performance.now() - started);
}

function nsPerCall(metrics: Metrics): number {
  const began = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) request(metrics);
  return Number(process.hrtime.bigint() - began) / calls;
}

const rounds: { on: number; off: number }[] = [];
for (let round = 0; round < 7; round++)
  rounds.push({ off: nsPerCall(NO_METRICS), on: nsPerCall(on) });
const median = (values: number[]) =>
  values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const cost = median(rounds.map((r) => r.on - r.off));
console.log(`${calls} calls a round, 7 rounds, medians:`);
console.log(`  metrics off ${median(rounds.map((r) => r.off)).toFixed(1)} ns a request`);
console.log(`  metrics on  ${median(rounds.map((r) => r.on)).toFixed(1)} ns a request`);
console.log(`  cost        ${cost.toFixed(1)} ns a request`);
