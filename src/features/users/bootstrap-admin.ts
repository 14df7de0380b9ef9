import type { Db, Queryable } from '../../db/db.js';
import { generatePassword, hashPassword } from './password.js';
import { UserStore } from './user-store.js';

export interface BootstrapResult {
  created: boolean;
  username: string;
  /** Set only when the password was generated: the caller prints it once. */
  generatedPassword?: string;
}

/**
 * On first start (no users at all) creates the Admin. Runs under an advisory lock so two
 * instances starting on one empty database create one admin, not two.
 */
export async function bootstrapAdmin(
  db: Db,
  username: string,
  password: string | undefined,
): Promise<BootstrapResult> {
  // The usual case, an existing database, must not pay for a deliberately slow hash.
  if ((await countUsers(db)) > 0) return { created: false, username };
  const generatedPassword = password === undefined ? generatePassword() : undefined;
  const passwordHash = await hashPassword(password ?? (generatedPassword as string));
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [4242_0002]);
    if ((await countUsers(tx)) > 0) return { created: false, username };
    await new UserStore(tx).insert({
      username,
      email: null,
      name: null,
      passwordHash,
      rootRole: 'Admin',
      accountType: 'User',
    });
    return generatedPassword === undefined
      ? { created: true, username }
      : { created: true, username, generatedPassword };
  });
}

async function countUsers(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return row?.n ?? 0;
}
