// Filler for the scale benchmark: many users with many tokens, made inside the database in
// batches of INSERT ... SELECT generate_series, so a million tokens are a few hundred
// statements rather than a million round trips. The filler tokens are junk (a random-looking
// selector so they spread over the index like real ones, and a verifier no token hashes to);
// only the tokens the benchmark presents are real, and bench/seed.ts makes those.

import { randomBytes } from 'node:crypto';
import type { Db } from '../src/db/db.js';
import { benchPasswordHash } from './seed.js';

export interface ScaleSeedOptions {
  users: number;
  tokensPerUser: number;
  /** Users per statement: bounds the memory one statement needs (PGlite runs in wasm). */
  batchUsers?: number;
  onProgress?: (usersDone: number) => void;
}

export interface ScaleSeedResult {
  users: number;
  tokens: number;
  ms: number;
}

// One statement per batch: the users, then their tokens from the ids the first part returns.
// The selector is 22 base64url characters of SHA-256 over (run salt, user, n): unique in
// practice and checked by the unique index, which would fail the statement on a collision.
const BATCH_SQL = `
WITH new_users AS (
  INSERT INTO users (username, password_hash, root_role)
  SELECT $1 || g, $2, 'Viewer' FROM generate_series($3::int, $4::int) AS g
  RETURNING id
)
INSERT INTO personal_access_tokens (user_id, description, selector, verifier, expires_at)
SELECT u.id,
       'scale token ' || k,
       translate(left(encode(sha256(convert_to($5 || ':' || u.id || ':' || k, 'UTF8')), 'base64'), 22), '+/', '-_'),
       'junk-' || md5($5 || ':' || u.id || ':' || k),
       now() + interval '365 days'
FROM new_users AS u CROSS JOIN generate_series(1, $6::int) AS k`;

export async function scaleSeed(db: Db, options: ScaleSeedOptions): Promise<ScaleSeedResult> {
  const started = performance.now();
  const salt = randomBytes(6).toString('hex');
  // The salt in the names too: seeding twice into one database adds users, never collides.
  const prefix = `scale-${salt}-`;
  const hash = await benchPasswordHash();
  const batch = options.batchUsers ?? 10_000;
  for (let first = 1; first <= options.users; first += batch) {
    const last = Math.min(options.users, first + batch - 1);
    await db.query(BATCH_SQL, [prefix, hash, first, last, salt, options.tokensPerUser]);
    options.onProgress?.(last);
  }
  // Fresh statistics, as autovacuum would have them on a database that grew over time.
  await db.exec('ANALYZE users; ANALYZE personal_access_tokens');
  return {
    users: options.users,
    tokens: options.users * options.tokensPerUser,
    ms: performance.now() - started,
  };
}
