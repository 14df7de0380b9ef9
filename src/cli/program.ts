// The `unlatch` command line (commander: see docs/decisions/0009-cli-argument-parser.md).
// Each action opens the database, does one thing through the services, and closes it.

import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { openDb } from '../db/open-db.js';
import { ROOT_ROLES, type RootRole } from '../core/user.js';
import { withContext } from './context.js';
import { doctor } from './doctor.js';
import { createOutput, type Output } from './output.js';
import { assertRevokeSelection, listTokens, revokeTokens } from './tokens.js';
import { createUser, deleteUser, listUsers, resetPassword, setRole } from './users.js';

export const PROGRAM_VERSION = '0.1.0';

function parseRole(raw: string): RootRole {
  const role = ROOT_ROLES.find((r) => r.toLowerCase() === raw.trim().toLowerCase());
  if (!role) throw new InvalidArgumentError(`The role must be one of ${ROOT_ROLES.join(', ')}.`);
  return role;
}

function parseId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 2_147_483_647) {
    throw new InvalidArgumentError('A token id is a whole number from 1.');
  }
  return Number(raw);
}

/** What a command tells its caller: the exit status (0 ok, 1 failed). */
export type Outcome = { exitCode: number };

/**
 * Builds the program. `outcome.exitCode` is set by the action that ran; usage errors
 * surface as commander errors (exit 2, mapped by the caller).
 */
export function buildProgram(outcome: Outcome, serve: () => Promise<void>): Command {
  const program = new Command('unlatch')
    .description('Unlatch: personal access tokens that speak the Unleash Admin API.')
    .version(PROGRAM_VERSION)
    .option('--json', 'answer in JSON, for scripts')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  const out = (command: Command): Output =>
    createOutput(command.optsWithGlobals<{ json?: boolean }>().json === true);

  program
    .command('serve', { isDefault: true })
    .description('run the server (the default); configured by the environment, as npm start')
    .action(serve);

  program
    .command('migrate')
    .description('apply the database migrations this version needs')
    .action(async (_options: object, command: Command) => {
      const config = loadConfig({ ...process.env, METRICS_ENABLED: 'false' });
      const db = await openDb(config);
      try {
        const applied = await migrate(db);
        out(command).result({ applied }, () =>
          applied.length === 0
            ? 'The database is up to date; nothing to apply.'
            : `Applied migration${applied.length === 1 ? '' : 's'} ${applied.join(', ')}.`,
        );
      } finally {
        await db.close();
      }
    });

  const users = program.command('users').description('list and administer users');
  users
    .command('list')
    .description('every user (never their passwords)')
    .action((_options: object, command: Command) =>
      withContext((context) => listUsers(context, out(command))),
    );
  users
    .command('create')
    .description('create a user with a generated password, printed once')
    .option('--username <name>', 'the log-in name')
    .option('--email <email>', 'email (a username, an email, or both)')
    .option('--name <name>', 'display name')
    .addOption(
      new Option('--role <role>', 'Admin, Editor or Viewer').argParser(parseRole).default('Editor'),
    )
    .action(
      (
        options: { username?: string; email?: string; name?: string; role: RootRole },
        command: Command,
      ) => withContext((context) => createUser(context, out(command), options)),
    );
  users
    .command('set-role')
    .description("change a user's root role; their sessions and tokens follow at once")
    .argument('<user>', 'username, email or id')
    .addArgument(new Argument('<role>', 'Admin, Editor or Viewer').argParser(parseRole))
    .action((user: string, role: RootRole, _options: object, command: Command) =>
      withContext((context) => setRole(context, out(command), user, role)),
    );
  users
    .command('reset-password')
    .description('set a generated password (printed once); ends their sessions and tokens')
    .argument('<user>', 'username, email or id')
    .action((user: string, _options: object, command: Command) =>
      withContext((context) => resetPassword(context, out(command), user)),
    );
  users
    .command('delete')
    .description('delete a user; their sessions and tokens stop working at once')
    .argument('<user>', 'username, email or id')
    .action((user: string, _options: object, command: Command) =>
      withContext((context) => deleteUser(context, out(command), user)),
    );

  const tokens = program.command('tokens').description('list and revoke personal access tokens');
  tokens
    .command('list')
    .description("every token, or one user's (never a secret)")
    .option('--user <name>', 'only this user’s tokens (username, email or id)')
    .action((options: { user?: string }, command: Command) =>
      withContext((context) => listTokens(context, out(command), options)),
    );
  tokens
    .command('revoke')
    .description('delete tokens at once on every instance: by --id, by --user, or both')
    .option('--user <name>', 'the owner (username, email or id); alone: all their tokens')
    .option('--id <n>', 'the token id', parseId)
    .option('--reason <text>', 'why, recorded in the audit event')
    .action((options: { user?: string; id?: number; reason?: string }, command: Command) => {
      assertRevokeSelection(options);
      return withContext((context) => revokeTokens(context, out(command), options));
    });

  program
    .command('doctor')
    .description('check the configuration, the database, its migrations and LISTEN/NOTIFY')
    .action(async (_options: object, command: Command) => {
      if (!(await doctor(out(command)))) outcome.exitCode = 1;
    });

  return program;
}
