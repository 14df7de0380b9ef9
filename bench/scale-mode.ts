// Scale mode: the same reader, with the same 10 tokens, authenticating and listing while
// the table around it holds a thousand tokens, then a million. Each size gets a fresh
// database. No baseline here: the comparison is between the sizes.

import { type Child, SERVER_ENV, startServer } from './children.js';
import { createBenchDatabase } from './database.js';
import { type LoadResult, runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { formatRound, type ScaleRow } from './report.js';
import { preflight } from './preflight.js';
import { scaleSeed } from './scale-seed.js';
import { buildScenarios, type Scenario } from './scenarios.js';
import { READER_TOKENS, seedReader } from './seed.js';

const TOKENS_PER_USER = 10;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function rounds(scenario: Scenario, server: Child, options: BenchOptions) {
  const timed = { connections: options.connections, durationSec: options.durationSec };
  if (options.warmupSec > 0) {
    const warmup = { connections: options.connections, durationSec: options.warmupSec };
    await runLoad(`${scenario.name} warm-up`, server.url, scenario.requests(), warmup);
    await server.settle();
  }
  const results: LoadResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const result = await runLoad(scenario.name, server.url, scenario.requests(), timed);
    log(formatRound(`${scenario.name} round ${round}`, result));
    results.push(result);
    await server.settle();
  }
  return results;
}

async function measureSize(tokens: number, options: BenchOptions): Promise<ScaleRow> {
  log(`\n### ${tokens.toLocaleString('en-US')} tokens`);
  const database = await createBenchDatabase(options.databaseUrl);
  let server: Child | undefined;
  try {
    const db = await database.open();
    let seedSec: number;
    let readerTokens: Awaited<ReturnType<typeof seedReader>>;
    try {
      // The reader's own tokens count toward the size, so the table holds exactly `tokens`.
      const fillerUsers = (tokens - READER_TOKENS) / TOKENS_PER_USER;
      const seeded = await scaleSeed(db, {
        users: fillerUsers,
        tokensPerUser: TOKENS_PER_USER,
        onProgress: (done) => process.stderr.write(`  seeded ${done} / ${fillerUsers} users\n`),
      });
      readerTokens = await seedReader(db);
      seedSec = seeded.ms / 1000;
      log(`seeded ${seeded.tokens + READER_TOKENS} tokens in ${seedSec.toFixed(1)} s`);
    } finally {
      await db.close();
    }
    server = await startServer('server', { ...database.serverEnv, ...SERVER_ENV });
    await preflight(server.url, readerTokens);
    const scenarios = buildScenarios({ readerTokens, users: [], password: '' });
    const auth = await rounds(scenarios.auth, server, options);
    const list = await rounds(scenarios.list, server, options);
    const serverRssKiB = await server.rssKiB();
    return { tokens, seedSec, auth, list, serverRssKiB };
  } finally {
    await server?.stop();
    await database.dispose();
  }
}

export async function runScale(options: BenchOptions, sizes: readonly number[]) {
  const rows: ScaleRow[] = [];
  for (const size of sizes) rows.push(await measureSize(size, options));
  return rows;
}
