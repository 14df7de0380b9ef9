// The `unlatch` command, run for real as a child process against a fresh database: a PGlite
// directory in a temporary folder, or a fresh schema on the PostgreSQL at DATABASE_URL.
// Output, exit codes, audit events, and that a revocation takes effect.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Check } from '../../src/cli/doctor.js';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/db.js';
import { loadMigrations } from '../../src/db/migrate.js';
import { PgDb } from '../../src/db/pg-db.js';
import { PgliteDb } from '../../src/db/pglite-db.js';
import { createServices } from '../../src/composition.js';
import { hashSessionId } from '../../src/features/sessions/session-service.js';
import { verifyPassword } from '../../src/features/users/password.js';
import type { User } from '../../src/core/user.js';
import { createLogger } from '../../src/logger.js';
import { databaseUrl, openTestDb } from '../helpers/harness.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A database of the test's own, reachable by the command (env) and by the test (open). */
interface Target {
  env: Record<string, string>;
  /** On PGlite only one process may hold the directory: close it before the next run. */
  open(): Promise<Db>;
  drop(): Promise<void>;
}

async function pgliteTarget(): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'unlatch-cli-'));
  return {
    env: { DATA_DIR: dir },
    open: () => PgliteDb.open(dir),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

async function postgresTarget(base: string): Promise<Target> {
  const { schema, drop } = await openTestDb();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    env: { DATABASE_URL: url.toString() },
    open: async () => new PgDb({ connectionString: base, options: `-c search_path=${schema}` }),
    drop,
  };
}

/** Processes whose command line names `path` (Linux: /proc). */
function creatorsOf(path: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.split('\0').includes(path)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function unlatch(target: Target, args: readonly string[], extraEnv: Record<string, string> = {}) {
  return new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', ...args],
      {
        cwd: REPO,
        // Only what the command needs: never the test run's own DATABASE_URL by accident.
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...target.env,
          ...extraEnv,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function withDb<T>(target: Target, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await target.open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

interface EventRow {
  type: string;
  created_by: string;
  created_by_user_id: number | null;
  data: Record<string, unknown>;
}

const lastEvent = (target: Target) =>
  withDb(target, async (db) => {
    const [row] = await db.query<EventRow>(
      'SELECT type, created_by, created_by_user_id, data FROM events ORDER BY id DESC LIMIT 1',
    );
    return row;
  });

describe(`unlatch on ${databaseUrl ? 'PostgreSQL' : 'PGlite in a directory'}`, () => {
  let target: Target;
  before(async () => {
    target = databaseUrl ? await postgresTarget(databaseUrl) : await pgliteTarget();
  });
  after(() => target.drop());

  test('usage errors exit 2 and say what is wrong', async () => {
    for (const [args, expected] of [
      [['users', 'set-role', 'someone', 'Boss'], /role must be one of Admin, Editor, Viewer/],
      [['tokens', 'revoke'], /Say which tokens to revoke/],
      [['tokens', 'revoke', '--id', 'abc'], /token id is a whole number/],
      [['users', 'create', '--role'], /argument missing/],
      [['no-such-command'], /too many arguments|unknown command/],
      [['users', 'list', '--bogus'], /unknown option/],
    ] as const) {
      const run = await unlatch(target, args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, expected, args.join(' '));
    }
    const help = await unlatch(target, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /users[\s\S]*tokens[\s\S]*doctor/);
  });

  test('an unmigrated database: commands refuse (1), doctor says so, migrate applies once', async () => {
    const refused = await unlatch(target, ['users', 'list']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /run `unlatch migrate` first/);
    const sick = await unlatch(target, ['doctor', '--json']);
    assert.equal(sick.code, 1);
    const report = JSON.parse(sick.stdout) as {
      ok: boolean;
      checks: { name: string; ok: boolean }[];
    };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.ok]),
      [
        ['config', true],
        ['database', true],
        ['migrations', false],
        ['listen', true],
        ['statistics', true],
      ],
    );
    const first = await unlatch(target, ['migrate', '--json']);
    assert.equal(first.code, 0, first.stderr);
    // Every migration there is, in order (issue 13 added 0003; new ones need no edit here).
    const versions = (await loadMigrations()).map((m) => m.version);
    assert.ok(versions.length >= 2);
    assert.deepEqual(JSON.parse(first.stdout), { applied: versions });
    const again = await unlatch(target, ['migrate']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /up to date/);
    const healthy = await unlatch(target, ['doctor']);
    assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
    assert.match(healthy.stdout, /^ok\s+listen\s+NOTIFY came back/m);
    assert.match(healthy.stdout, /All checks passed/);
  });

  let alice: { id: number; password: string };
  test('users create prints the password once, records user-created by cli, follows the API rules', async () => {
    const run = await unlatch(target, [
      'users',
      'create',
      '--username',
      'alice',
      '--role',
      'admin',
      '--json',
    ]);
    assert.equal(run.code, 0, run.stderr);
    const created = JSON.parse(run.stdout) as {
      user: { id: number; rootRole: string };
      password: string;
    };
    assert.equal(created.user.rootRole, 'Admin');
    alice = { id: created.user.id, password: created.password };
    const stored = await withDb(target, async (db) => {
      const [row] = await db.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [alice.id],
      );
      return row?.password_hash ?? '';
    });
    assert.ok(await verifyPassword(alice.password, stored), 'the printed password is the one set');
    assert.ok(!stored.includes(alice.password));
    const event = await lastEvent(target);
    assert.equal(event?.type, 'user-created');
    assert.equal(event?.created_by, 'cli');
    assert.equal(event?.created_by_user_id, null);
    assert.ok(!JSON.stringify(event).includes(alice.password));

    const human = await unlatch(target, ['users', 'create', '--username', 'bob']);
    assert.equal(human.code, 0, human.stderr);
    assert.match(
      human.stdout,
      /Created bob \(id \d+, Editor\)\.\n {2}password: \S{20,}\n.*not be shown again/,
    );
    const duplicate = await unlatch(target, ['users', 'create', '--username', 'ALICE']);
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /already exists/);
    const nameless = await unlatch(target, ['users', 'create', '--json']);
    assert.equal(nameless.code, 1);
    assert.equal(
      (JSON.parse(nameless.stdout) as { error: { name: string } }).error.name,
      'BadDataError',
    );
  });

  test('users list, set-role, reset-password and delete go through the same rules and events', async () => {
    const list = await unlatch(target, ['users', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^ID\s+USERNAME\s+EMAIL\s+NAME\s+ROLE\s+CREATED\s+LAST SEEN$/m);
    assert.match(list.stdout, /alice\s+-\s+-\s+Admin/);
    assert.ok(!/scrypt|password/i.test(list.stdout), 'no hash or password in the list');
    const json = JSON.parse((await unlatch(target, ['--json', 'users', 'list'])).stdout) as {
      users: { username: string }[];
    };
    assert.deepEqual(
      json.users.map((u) => u.username),
      ['alice', 'bob'],
    );

    const lastAdmin = await unlatch(target, ['users', 'set-role', 'alice', 'Viewer']);
    assert.equal(lastAdmin.code, 1);
    assert.match(lastAdmin.stderr, /last Admin/);
    const promoted = await unlatch(target, ['users', 'set-role', 'bob', 'Admin']);
    assert.equal(promoted.code, 0, promoted.stderr);
    assert.match(promoted.stdout, /bob \(id \d+, Admin\) now has the role Admin/);
    assert.equal((await lastEvent(target))?.type, 'user-updated');

    const reset = await unlatch(target, ['users', 'reset-password', String(alice.id), '--json']);
    assert.equal(reset.code, 0, reset.stderr);
    const { password } = JSON.parse(reset.stdout) as { password: string };
    assert.notEqual(password, alice.password);
    const hash = await withDb(target, async (db) => {
      const [row] = await db.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE id = $1',
        [alice.id],
      );
      return row?.password_hash ?? '';
    });
    assert.ok(await verifyPassword(password, hash));
    const event = await lastEvent(target);
    assert.equal(event?.type, 'user-password-changed');
    assert.equal(event?.created_by, 'cli');

    const gone = await unlatch(target, ['users', 'delete', 'bob']);
    assert.equal(gone.code, 0, gone.stderr);
    assert.equal((await lastEvent(target))?.type, 'user-deleted');
    const unknown = await unlatch(target, ['users', 'delete', 'bob']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Could not find a user called "bob"/);
  });

  test('tokens list shows no secret; tokens revoke records why and the token stops working', async () => {
    // Tokens are made through the service, as the API makes them.
    const made = await withDb(target, async (db) => {
      const services = createServices(loadConfig({}), db, createLogger('silent'));
      const owner = (await services.userStore.findLive(alice.id, 'User')) as User;
      // As through the API: a signed-in owner, whose session the service re-checks.
      const session = await db.transaction((tx) => services.sessions.start(tx, owner));
      const actor = {
        user: owner,
        ip: '127.0.0.1',
        credential: { via: 'session' as const, sessionIdHash: hashSessionId(session.id) },
      };
      const one = await services.patService.create(actor, {
        description: 'ci job',
        expiresAt: inDays(5),
      });
      const two = await services.patService.create(actor, {
        description: 'laptop',
        expiresAt: inDays(5),
      });
      return { one, two };
    });
    const list = await unlatch(target, ['tokens', 'list', '--user', 'alice']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^ID\s+USER\s+DESCRIPTION\s+EXPIRES\s+LAST SEEN$/m);
    assert.match(list.stdout, new RegExp(`^${made.one.id}\\s+alice\\s+ci job`, 'm'));
    for (const secret of [made.one.secret, made.two.secret]) {
      assert.ok(!list.stdout.includes(secret.slice(8, 30)), 'no selector or secret is shown');
    }
    const listJson = JSON.parse((await unlatch(target, ['tokens', 'list', '--json'])).stdout) as {
      tokens: { id: number; description: string }[];
    };
    assert.deepEqual(
      listJson.tokens.map((t) => t.description),
      ['ci job', 'laptop'],
    );

    const missing = await unlatch(target, ['tokens', 'revoke', '--id', '999999']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No token with id 999999/);

    await assertRevocationTakesEffect(target, made.one.secret, async () => {
      const run = await unlatch(target, [
        'tokens',
        'revoke',
        '--id',
        String(made.one.id),
        '--reason',
        'leaked in a CI log',
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Revoked 1 token; they stop working at once/);
    });
    const event = await lastEvent(target);
    assert.equal(event?.type, 'pat-deleted');
    assert.equal(event?.created_by, 'cli');
    assert.equal(event?.data.reason, 'leaked in a CI log');
    assert.equal(event?.data.id, made.one.id);
    assert.equal(event?.data.userId, alice.id);

    const all = await unlatch(target, ['tokens', 'revoke', '--user', 'alice', '--json']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(
      (JSON.parse(all.stdout) as { revoked: { id: number }[] }).revoked.map((t) => t.id),
      [made.two.id],
    );
    const none = await unlatch(target, ['tokens', 'revoke', '--user', 'alice']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /alice has no tokens/);
  });

  test('doctor fails (exit 1) on a bad configuration and on an unreachable database', async () => {
    const badConfig = await unlatch(target, ['doctor'], { PORT: 'eighty' });
    assert.equal(badConfig.code, 1);
    assert.match(badConfig.stdout, /^FAIL\s+config\s+PORT must be a whole number/m);
    const away = await unlatch(target, ['doctor', '--json'], {
      DATABASE_URL: 'postgres://postgres:hunter2hunter2@127.0.0.1:1/nothing',
    });
    assert.equal(away.code, 1);
    const report = JSON.parse(away.stdout) as {
      checks: { name: string; ok: boolean; detail: string }[];
    };
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.ok]),
      [
        ['config', true],
        ['database', false],
      ],
    );
    assert.ok(!away.stdout.includes('hunter2'), 'the database password is not shown');
    const command = await unlatch(target, ['users', 'list'], {
      DATABASE_URL: 'postgres://postgres:hunter2hunter2@127.0.0.1:1/nothing',
    });
    assert.equal(command.code, 1);
    assert.match(command.stderr, /^unlatch: The database cannot be reached/);
    assert.ok(!command.stderr.includes('hunter2'));
  });

  test("doctor warns (exit 0) when nothing keeps the planner's statistics", async () => {
    const usual = await unlatch(target, ['doctor', '--json']);
    assert.equal(usual.code, 0, usual.stdout + usual.stderr);
    const statistics = (out: string) =>
      (JSON.parse(out) as { checks: Check[] }).checks.find((c) => c.name === 'statistics');
    if (!databaseUrl) {
      assert.deepEqual(statistics(usual.stdout), {
        name: 'statistics',
        ok: true,
        warning: false,
        detail: 'PGlite has no autovacuum: the server analyzes changed tables',
      });
      return;
    }
    // Whatever this PostgreSQL's autovacuum is, doctor says the same.
    const db = await target.open();
    const [row] = await db.query<{ on: boolean }>(
      `SELECT current_setting('autovacuum') = 'on' AS on`,
    );
    await db.close();
    assert.equal(statistics(usual.stdout)?.warning, row?.on !== true);
    // track_counts can be turned off for one session (by a superuser): autovacuum is blind then.
    const [role] = await (async () => {
      const roleDb = await target.open();
      try {
        return await roleDb.query<{ super: boolean }>(
          'SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user',
        );
      } finally {
        await roleDb.close();
      }
    })();
    if (role?.super !== true) return;
    const url = new URL(target.env.DATABASE_URL as string);
    url.searchParams.set('options', `${url.searchParams.get('options')} -c track_counts=off`);
    const blind = await unlatch(target, ['doctor'], { DATABASE_URL: url.toString() });
    assert.equal(blind.code, 0, blind.stdout + blind.stderr);
    assert.match(blind.stdout, /^WARN\s+statistics\s+track_counts is off: autovacuum cannot see/m);
    assert.match(blind.stdout, /^All checks passed, with a warning\.$/m);
  });

  test(
    'PGlite: a DATA_DIR that holds something else is refused, saying what it must be',
    { skip: databaseUrl ? 'PGlite only' : false },
    async () => {
      const other = await pgliteTarget();
      try {
        // PostgreSQL's initdb needs `base` to be a directory.
        await writeFile(join(other.env.DATA_DIR as string, 'base'), 'not a database');
        const run = await unlatch(other, ['doctor']);
        assert.equal(run.code, 1, run.stdout + run.stderr);
        assert.match(
          run.stdout,
          /^FAIL\s+database\s+The embedded database could not be created in \S+: \S+\/base is in the way\. DATA_DIR must be an empty directory or hold an Unlatch database\.$/m,
        );
      } finally {
        await other.drop();
      }
    },
  );

  test(
    'PGlite: a command killed while creating its database leaves none behind; the next starts over',
    { skip: databaseUrl ? 'PGlite only' : false },
    async () => {
      const other = await pgliteTarget();
      const dir = other.env.DATA_DIR as string;
      const staging = join(dir, '.unlatch-new');
      try {
        const command = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'doctor'], {
          cwd: REPO,
          env: { PATH: process.env.PATH ?? '', DATA_DIR: dir },
          stdio: 'ignore',
        });
        const exited = new Promise((resolve) => command.once('exit', resolve));
        // The child is creating the database once its staging directory appears.
        for (let i = 0; i < 600 && !existsSync(staging); i++) await sleep(50);
        assert.ok(existsSync(staging), 'the creation began');
        command.kill('SIGKILL');
        await exited;
        let creators = creatorsOf(staging);
        for (let i = 0; i < 100 && creators.length > 0; i++) {
          await sleep(50);
          creators = creatorsOf(staging);
        }
        assert.deepEqual(creators, [], 'no initdb child writes on after its parent died');
        assert.ok(!existsSync(join(dir, 'PG_VERSION')), 'a half-made database is not a database');
        // The next command starts over, and the database it makes works.
        const doctor = await unlatch(other, ['doctor']);
        assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr);
        assert.match(doctor.stdout, /^ok\s+database\s+reachable/m);
        assert.match(doctor.stdout, /^FAIL\s+migrations\s+\d+ pending/m);
        assert.ok(!existsSync(staging));
      } finally {
        await other.drop();
      }
    },
  );

  test(
    'PGlite: a directory in use by another process is refused with a clear message',
    {
      skip: databaseUrl ? 'PostgreSQL admits many processes' : false,
    },
    async () => {
      const held = await target.open();
      try {
        const run = await unlatch(target, ['users', 'list']);
        assert.equal(run.code, 1);
        assert.match(run.stderr, new RegExp(`in use by process ${process.pid}`));
        assert.match(run.stderr, /PGlite admits one process at a time/);
      } finally {
        await held.close();
      }
      assert.equal((await unlatch(target, ['users', 'list'])).code, 0, 'usable once released');
    },
  );
});

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

/**
 * PostgreSQL: a server runs throughout and must refuse the token within a second of the
 * command (NOTIFY). PGlite: one process at a time, so the server is started after.
 */
async function assertRevocationTakesEffect(
  target: Target,
  secret: string,
  revoke: () => Promise<void>,
): Promise<void> {
  const status = async (app: FastifyInstance) =>
    (
      await app.inject({
        method: 'GET',
        url: '/api/admin/user',
        headers: { authorization: secret },
      })
    ).statusCode;
  const serve = async (db: Db) => {
    const { app } = await buildApp({ config: loadConfig({}), db, logger: createLogger('silent') });
    await app.ready();
    return app;
  };
  if (databaseUrl === undefined) {
    await withDb(target, async (db) => {
      const app = await serve(db);
      assert.equal(await status(app), 200);
      await app.close();
    });
    await revoke();
    await withDb(target, async (db) => {
      const app = await serve(db);
      assert.equal(await status(app), 401);
      await app.close();
    });
    return;
  }
  await withDb(target, async (db) => {
    const app = await serve(db);
    try {
      assert.equal(await status(app), 200, 'cached by the running server');
      await revoke();
      const deadline = Date.now() + 1000;
      let last = 200;
      while (Date.now() < deadline && (last = await status(app)) === 200) await sleep(20);
      assert.equal(last, 401, 'the running server refuses it within a second');
    } finally {
      await app.close();
    }
  });
}
