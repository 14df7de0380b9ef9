// Users and real tokens for the benchmark, written straight into the database before the
// server starts (there is no user-admin API yet, and PGlite admits one process at a time).
// Set-based SQL: one statement per batch of rows, not one round trip per row.

import type { Db, Queryable } from '../src/db/db.js';
import { issueToken } from '../src/features/pats/token.js';
import { hashPassword } from '../src/features/users/password.js';

export const BENCH_PASSWORD = 'bench password, not a secret';
/** The reader owns as many tokens as the default PAT limit allows, so the list is full size. */
export const READER_TOKENS = 10;
const TOKEN_LIFETIME_MS = 365 * 86_400_000;

export interface SeededToken {
  id: number;
  secret: string;
}

export interface BenchUser {
  id: number;
  username: string;
  /** A real token of this user. */
  token: string;
}

export interface Fixtures {
  /** Real tokens of the reader, who does the GET scenarios. */
  readerTokens: SeededToken[];
  /** Users the create and login scenarios rotate through, one real token each. */
  users: BenchUser[];
  password: string;
}

let passwordHash: Promise<string> | undefined;
/** scrypt is deliberately slow: hash the bench password once per process. */
export function benchPasswordHash(): Promise<string> {
  passwordHash ??= hashPassword(BENCH_PASSWORD);
  return passwordHash;
}

/** Inserts `count` users named `<prefix><n>`, n from 1; returns them in order. */
export async function insertUsers(
  db: Queryable,
  prefix: string,
  count: number,
  rootRole: 'Admin' | 'Editor' | 'Viewer',
): Promise<{ id: number; username: string }[]> {
  return db.query<{ id: number; username: string }>(
    `INSERT INTO users (username, password_hash, root_role)
     SELECT $1 || g, $2, $3 FROM generate_series(1, $4::int) AS g
     RETURNING id, username`,
    [prefix, await benchPasswordHash(), rootRole, count],
  );
}

/** Real tokens made with issueToken(), so they authenticate like any the API hands out. */
export async function insertRealTokens(
  db: Queryable,
  owners: readonly { userId: number; description: string }[],
): Promise<SeededToken[]> {
  const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_MS).toISOString();
  const issued = owners.map((owner) => ({ ...owner, token: issueToken() }));
  const rows = issued.map(({ userId, description, token }) => ({
    user_id: userId,
    description,
    selector: token.selector,
    verifier: token.verifier,
  }));
  const inserted = await db.query<{ id: number; selector: string }>(
    `INSERT INTO personal_access_tokens (user_id, description, selector, verifier, expires_at)
     SELECT t.user_id, t.description, t.selector, t.verifier, $2::timestamptz
     FROM jsonb_to_recordset($1::jsonb) AS t(user_id int, description text, selector text, verifier text)
     RETURNING id, selector`,
    [JSON.stringify(rows), expiresAt],
  );
  const idBySelector = new Map(inserted.map((row) => [row.selector, row.id]));
  return issued.map(({ token }) => {
    const id = idBySelector.get(token.selector);
    if (id === undefined) throw new Error('a seeded token was not inserted');
    return { id, secret: token.secret };
  });
}

export async function seedReader(db: Db, prefix = 'bench-reader-'): Promise<SeededToken[]> {
  const [reader] = await insertUsers(db, prefix, 1, 'Admin');
  if (!reader) throw new Error('the reader was not inserted');
  return insertRealTokens(
    db,
    Array.from({ length: READER_TOKENS }, (_, i) => ({
      userId: reader.id,
      description: `bench reader token ${i + 1}`,
    })),
  );
}

export async function seedFixtures(db: Db, userCount: number): Promise<Fixtures> {
  const readerTokens = await seedReader(db);
  const users = await insertUsers(db, 'bench-user-', userCount, 'Editor');
  const tokens = await insertRealTokens(
    db,
    users.map((user) => ({ userId: user.id, description: 'bench login token' })),
  );
  return {
    readerTokens,
    users: users.map((user, i) => ({ ...user, token: (tokens[i] as SeededToken).secret })),
    password: BENCH_PASSWORD,
  };
}
