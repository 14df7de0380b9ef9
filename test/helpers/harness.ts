// One harness for every API test: the real app on a fresh, isolated database. PGlite in
// memory by default; the PostgreSQL at DATABASE_URL when it is set (each harness gets its own
// schema there, dropped at close).

import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Services } from '../../src/composition.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { PgDb } from '../../src/db/pg-db.js';
import { PgliteDb } from '../../src/db/pglite-db.js';
import { hashPassword } from '../../src/features/users/password.js';
import type { RootRole, User } from '../../src/core/user.js';
import { createLogger } from '../../src/logger.js';

export const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
export const dbKind = databaseUrl ? 'postgres' : 'pglite';

/**
 * A database of its own: a fresh schema on PostgreSQL, a fresh in-memory PGlite.
 * connectVia: the URL the returned Db connects through (e.g. a cuttable proxy); the schema is
 * still created and dropped over DATABASE_URL itself.
 */
export async function openTestDb(
  connectVia?: string,
): Promise<{ db: Db; schema: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  if (databaseUrl === undefined) {
    const db = await PgliteDb.open(undefined);
    return { db, schema: 'public', drop: () => db.close() };
  }
  const admin = new PgDb({ connectionString: databaseUrl, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const db = new PgDb({
    connectionString: connectVia ?? databaseUrl,
    options: `-c search_path=${schema}`,
  });
  return {
    db,
    schema,
    drop: async () => {
      await db.close();
      const cleanup = new PgDb({ connectionString: databaseUrl, max: 1 });
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.close();
    },
  };
}

export const PASSWORD = 'correct horse battery staple';
// Hashing is deliberately slow; tests create many users, so share one hash.
const passwordHash = hashPassword(PASSWORD);

export interface TestUser {
  user: User;
  /** Session cookie header value. */
  cookie: string;
}

export interface Harness {
  app: FastifyInstance;
  db: Db;
  config: Config;
  /** The test's own schema on PostgreSQL ('public' on PGlite). */
  schema: string;
  services: Services;
  logLines: string[];
  close(): Promise<void>;
  createUser(role: RootRole, name?: string): Promise<User>;
  login(username: string, password?: string): Promise<string>;
  /** A user with a live session. */
  signedIn(role?: RootRole): Promise<TestUser>;
  /** Same, without the (deliberately slow) password check: for tests that need many. */
  quickSignedIn(role?: RootRole): Promise<TestUser>;
  createPat(
    auth: Auth,
    body?: Partial<{
      description: string;
      expiresAt: string;
      scopes: string[];
      audiences: string[];
    }>,
  ): Promise<LightMyRequestResponse>;
  request(options: RequestOptions): Promise<LightMyRequestResponse>;
}

export type Auth = { cookie: string } | { token: string } | undefined;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'PATCH';
  url: string;
  auth?: Auth;
  body?: unknown;
  headers?: Record<string, string>;
}

let counter = 0;

export function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

export interface HarnessOptions {
  /** See openTestDb: the app's database connection goes through this URL. */
  connectVia?: string;
}

export async function startHarness(
  env: Record<string, string> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  // Tests log in and change passwords far more often than the limits allow one address or
  // user; the limits themselves are tested with their defaults (test/api/admin/user-admin.test.ts,
  // test/api/password-limits.test.ts).
  const config = loadConfig({
    LOG_LEVEL: 'debug',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    PASSWORD_CHANGE_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const { db, schema, drop } = await openTestDb(options.connectVia);
  await migrate(db);
  const logLines: string[] = [];
  const logger = createLogger(
    config.logLevel,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  const { app, services } = await buildApp({ config, db, logger });
  await app.ready();

  const request = (options: RequestOptions) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth && 'cookie' in options.auth) headers.cookie = options.auth.cookie;
    if (options.auth && 'token' in options.auth) headers.authorization = options.auth.token;
    if (options.body !== undefined && headers['content-type'] === undefined)
      headers['content-type'] = 'application/json';
    return app.inject({
      method: options.method,
      url: options.url,
      headers,
      ...(options.body !== undefined && {
        payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      }),
    });
  };

  const createUser = async (role: RootRole, name?: string) =>
    services.userStore.insert({
      username: name ?? `${role.toLowerCase()}-${process.pid}-${++counter}`,
      email: null,
      name: null,
      passwordHash: await passwordHash,
      rootRole: role,
      accountType: 'User',
    });

  const login = async (username: string, password = PASSWORD) => {
    const response = await request({
      method: 'POST',
      url: '/auth/simple/login',
      body: { username, password },
    });
    if (response.statusCode !== 200)
      throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    const setCookie = String(response.headers['set-cookie']);
    return setCookie.split(';')[0] as string;
  };

  return {
    app,
    db,
    config,
    schema,
    services,
    logLines,
    request,
    createUser,
    login,
    async signedIn(role: RootRole = 'Editor') {
      const user = await createUser(role);
      return { user, cookie: await login(user.username as string) };
    },
    async quickSignedIn(role: RootRole = 'Editor') {
      const user = await createUser(role);
      const session = await services.sessions.start(db, user);
      return { user, cookie: `unleash-session=${session.id}` };
    },
    createPat(auth, body = {}) {
      return request({
        method: 'POST',
        url: '/api/admin/user/tokens',
        auth,
        body: { description: `token ${++counter}`, expiresAt: inDays(30), ...body },
      });
    },
    async close() {
      await app.close();
      await drop();
    },
  };
}

/** Parses a JSON body, typed as the caller expects. */
export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}
