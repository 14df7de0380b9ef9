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
import { encodeCursor } from '../src/features/pats/inventory-query.js';
import type { Db } from '../src/db/db.js';
import { buildScenarios, inventoryScenario, type Scenario } from './scenarios.js';
import { READER_TOKENS, seedReader } from './seed.js';

const TOKENS_PER_USER = 10;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function rounds(
  scenario: Scenario,
  server: Child,
  options: BenchOptions,
  connections = options.connections,
) {
  const timed = { connections, durationSec: options.durationSec };
  if (options.warmupSec > 0) {
    const warmup = { connections, durationSec: options.warmupSec };
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

/** A cursor into the middle of the inventory, and the owner of the token there. */
async function middleOfInventory(db: Db, tokens: number) {
  // One OFFSET, here in the set-up only: the server never pages that way.
  const [row] = await db.query<{ created_us: string; id: number; user_id: number }>(
    `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS created_us, id, user_id
     FROM personal_access_tokens ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
    [Math.floor(tokens / 2)],
  );
  return (
    row && { cursor: encodeCursor({ createdAt: row.created_us, id: row.id }), ownerId: row.user_id }
  );
}

async function measureSize(tokens: number, options: BenchOptions): Promise<ScaleRow> {
  log(`\n### ${tokens.toLocaleString('en-US')} tokens`);
  const database = await createBenchDatabase(options.databaseUrl);
  let server: Child | undefined;
  try {
    const db = await database.open();
    let seedSec: number;
    let readerTokens: Awaited<ReturnType<typeof seedReader>>;
    let middle: { cursor: string; ownerId: number } | undefined;
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
      middle = await middleOfInventory(db, tokens);
      log(`seeded ${seeded.tokens + READER_TOKENS} tokens in ${seedSec.toFixed(1)} s`);
    } finally {
      await db.close();
    }
    server = await startServer('server', { ...database.serverEnv, ...SERVER_ENV });
    await preflight(server.url, readerTokens);
    const scenarios = buildScenarios({ readerTokens, users: [], password: '' });
    const auth = await rounds(scenarios.auth, server, options);
    const list = await rounds(scenarios.list, server, options);
    const readerToken = readerTokens[0]?.secret as string;
    const inventory = await rounds(
      inventoryScenario(readerToken, middle?.ownerId, middle?.cursor),
      server,
      options,
      // A page's latency as an Admin sees it, not the queue behind 50 connections.
      options.inventoryConnections,
    );
    const serverRssKiB = await server.rssKiB();
    return { tokens, seedSec, auth, list, inventory, serverRssKiB };
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
