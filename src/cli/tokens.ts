// unlatch tokens list|revoke: PatService's operator revocation, with the same pat-deleted
// events and the same at-once revocation (NOTIFY) as a delete through the API.

import { CLI_ACTOR } from '../core/actor.js';
import type { Pat } from '../features/pats/pat.js';
import { NotFoundError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { day, type Output, table, UsageError } from './output.js';
import { findUser } from './users.js';

/** A token as the command shows it: never its secret, selector or verifier. */
function tokenJson(pat: Pat, owner?: string) {
  return {
    id: pat.id,
    userId: pat.userId,
    ...(owner !== undefined && { user: owner }),
    description: pat.description,
    expiresAt: pat.expiresAt.toISOString(),
    createdAt: pat.createdAt.toISOString(),
    seenAt: pat.seenAt?.toISOString() ?? null,
  };
}

export async function listTokens(
  context: CliContext,
  out: Output,
  options: { user?: string },
): Promise<void> {
  const user = options.user === undefined ? undefined : await findUser(context, options.user);
  const pats = await context.services.patStore.listWithOwners(user?.id);
  const now = Date.now();
  out.result({ tokens: pats.map((pat) => tokenJson(pat, pat.owner)) }, () =>
    table(
      ['ID', 'USER', 'DESCRIPTION', 'EXPIRES', 'LAST SEEN'],
      pats.map((p) => [
        p.id,
        p.owner,
        p.description,
        `${day(p.expiresAt)}${p.expiresAt.getTime() <= now ? ' (expired)' : ''}`,
        day(p.seenAt),
      ]),
    ),
  );
}

/** Checked before the database is opened: a usage error costs nothing. */
export function assertRevokeSelection(options: { user?: string; id?: number }): void {
  if (options.user === undefined && options.id === undefined) {
    throw new UsageError('Say which tokens to revoke: --id N, --user NAME, or both.');
  }
}

export async function revokeTokens(
  context: CliContext,
  out: Output,
  options: { user?: string; id?: number; reason?: string },
): Promise<void> {
  const user = options.user === undefined ? undefined : await findUser(context, options.user);
  const revoked = await context.services.patService.revoke(
    CLI_ACTOR,
    { ...(options.id !== undefined && { id: options.id }), ...(user && { userId: user.id }) },
    options.reason,
  );
  if (revoked.length === 0) {
    throw new NotFoundError(
      options.id === undefined
        ? `${options.user} has no tokens.`
        : `No token with id ${options.id}${user ? ` belongs to ${options.user}` : ''}.`,
    );
  }
  out.result({ revoked: revoked.map((pat) => tokenJson(pat)) }, () =>
    [
      `Revoked ${revoked.length} token${revoked.length === 1 ? '' : 's'}; they stop working at once on every instance:`,
      ...revoked.map(
        (pat) => `  ${pat.id}  ${JSON.stringify(pat.description)} (user id ${pat.userId})`,
      ),
    ].join('\n'),
  );
}
