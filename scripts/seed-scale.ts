// npm run seed:scale -- [--users 100000] [--tokens-per-user 10] [--out tokens.json]
// Fills the database the server would use (DATABASE_URL, else PGlite in DATA_DIR, default
// ./data) with filler users and tokens, plus one reader with real tokens for load tests.
// Stop the server first on PGlite: its data directory admits one process at a time.

import { chmod, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { scaleSeed } from '../bench/scale-seed.js';
import { seedReader } from '../bench/seed.js';
import { migrate } from '../src/db/migrate.js';
import { openDb } from '../src/db/open-db.js';

function whole(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' },
      'tokens-per-user': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const users = whole(values.users, 'users', 100_000);
  const tokensPerUser = whole(values['tokens-per-user'], 'tokens-per-user', 10);
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const dataDir = process.env.DATA_DIR?.trim() || './data';
  const db = await openDb({ databaseUrl, dataDir });
  try {
    await migrate(db);
    process.stderr.write(
      `seeding ${users} users x ${tokensPerUser} tokens into ${databaseUrl ? 'PostgreSQL' : `PGlite (${dataDir})`}\n`,
    );
    const result = await scaleSeed(db, {
      users,
      tokensPerUser,
      onProgress: (done) => process.stderr.write(`  ${done} / ${users} users\n`),
    });
    const readerTokens = await seedReader(db);
    process.stdout.write(
      `seeded ${result.users} users and ${result.tokens} filler tokens in ${(result.ms / 1000).toFixed(1)} s, ` +
        `plus a reader with ${readerTokens.length} real tokens\n`,
    );
    if (values.out !== undefined) {
      // Real credentials: readable by this user only.
      await writeFile(values.out, `${JSON.stringify(readerTokens, null, 2)}\n`, { mode: 0o600 });
      await chmod(values.out, 0o600);
      process.stdout.write(`the reader's tokens are in ${values.out}\n`);
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed:scale failed: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
