// unlatch users list|create|set-role|reset-password|delete: UserService, as the API uses it,
// so the rules (password policy, last Admin, at-once revocation) and events are the same.

import { CLI_ACTOR } from '../core/actor.js';
import { generatePassword } from '../features/users/password.js';
import type { RootRole, User } from '../core/user.js';
import { NotFoundError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { day, type Output, table } from './output.js';

/** A user as the command shows it: never a password hash. */
function userJson(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name: user.name,
    rootRole: user.rootRole,
    createdAt: user.createdAt.toISOString(),
    seenAt: user.seenAt?.toISOString() ?? null,
  };
}

function label(user: User): string {
  return `${user.username ?? user.email ?? 'user'} (id ${user.id}, ${user.rootRole})`;
}

/**
 * A generated password that meets the policy whatever the random part holds: 144 random
 * bits, plus a fixed tail with a symbol, an upper- and a lower-case letter and a digit.
 */
export function generateCompliantPassword(): string {
  return `${generatePassword()}-Aa1`;
}

/** NAME is a username or an email (any case); a number that is neither is taken as an id. */
export async function findUser({ services }: CliContext, name: string): Promise<User> {
  const byLogin = await services.userStore.findForLogin(name.trim());
  if (byLogin) return byLogin.user;
  if (/^\d{1,10}$/.test(name.trim())) {
    const byId = await services.userStore.findLive(Number(name.trim()), 'User');
    if (byId) return byId;
  }
  throw new NotFoundError(`Could not find a user called ${JSON.stringify(name)}.`);
}

export async function listUsers(context: CliContext, out: Output): Promise<void> {
  const users = await context.services.userService.list();
  out.result({ users: users.map(userJson) }, () =>
    table(
      ['ID', 'USERNAME', 'EMAIL', 'NAME', 'ROLE', 'CREATED', 'LAST SEEN'],
      users.map((u) => [
        u.id,
        u.username,
        u.email,
        u.name,
        u.rootRole,
        day(u.createdAt),
        day(u.seenAt),
      ]),
    ),
  );
}

function printPassword(out: Output, user: User, password: string, what: string, note = ''): void {
  // Printed once, here; it is stored only as a hash.
  out.result({ user: userJson(user), password }, () =>
    [
      `${what} ${label(user)}.${note}`,
      `  password: ${password}`,
      '  Store it now; it will not be shown again.',
    ].join('\n'),
  );
}

export async function createUser(
  context: CliContext,
  out: Output,
  input: { username?: string; email?: string; name?: string; role: RootRole },
): Promise<void> {
  const password = generateCompliantPassword();
  const user = await context.services.userService.create(CLI_ACTOR, {
    ...(input.username !== undefined && { username: input.username }),
    ...(input.email !== undefined && { email: input.email }),
    ...(input.name !== undefined && { name: input.name }),
    password,
    rootRole: input.role,
  });
  printPassword(out, user, password, 'Created');
}

export async function setRole(
  context: CliContext,
  out: Output,
  name: string,
  role: RootRole,
): Promise<void> {
  const found = await findUser(context, name);
  const user = await context.services.userService.update(CLI_ACTOR, found.id, { rootRole: role });
  out.result({ user: userJson(user) }, () => `${label(user)} now has the role ${role}.`);
}

export async function resetPassword(context: CliContext, out: Output, name: string): Promise<void> {
  const user = await findUser(context, name);
  const password = generateCompliantPassword();
  await context.services.userService.changePassword(CLI_ACTOR, user.id, password);
  printPassword(
    out,
    user,
    password,
    'New password for',
    ' Their sessions have ended and their tokens are deleted.',
  );
}

export async function deleteUser(context: CliContext, out: Output, name: string): Promise<void> {
  const user = await findUser(context, name);
  await context.services.userService.delete(CLI_ACTOR, user.id);
  out.result(
    { deleted: userJson(user) },
    () => `Deleted ${label(user)}; their sessions and tokens no longer work.`,
  );
}
