// What a token may do (spec/scopes.md): the scope grammar, the checks on what a client asks
// for at creation, and the grant a token carries, narrowed by its owner's current role.
// Pure: no I/O, so every rule is unit-tested (scopes.test.ts).

import type { AccountType, RootRole, User } from './user.js';

/** Resource and audience names, and plain special rights such as `introspect`. */
export const NAME = /^[a-z0-9._-]{1,64}$/;
const ACTIONS = new Set(['read', 'write', '*']);
export const MAX_SCOPES = 50;
export const MAX_AUDIENCES = 20;
export const FULL_SCOPES: readonly string[] = Object.freeze(['*']);
export const NO_AUDIENCES: readonly string[] = Object.freeze([]);

/** Whether `scope` is well-formed: `*`, `*:read`, `<resource>:<read|write|*>` or a plain name. */
export function isScope(scope: string): boolean {
  if (scope === '*' || scope === '*:read') return true;
  const colon = scope.indexOf(':');
  if (colon === -1) return NAME.test(scope);
  return NAME.test(scope.slice(0, colon)) && ACTIONS.has(scope.slice(colon + 1));
}

/**
 * Whether the scopes grant `required`. `*` is everything the owner may do, but not the
 * special rights (plain names such as `introspect`), which must be named; `<r>:write` and
 * `<r>:*` imply `<r>:read`; `*:read` is read-only everywhere.
 */
export function holdsScope(scopes: readonly string[], required: string): boolean {
  const colon = required.indexOf(':');
  if (colon === -1 && required !== '*') return scopes.includes(required);
  if (scopes.includes('*') || scopes.includes(required)) return true;
  if (required === '*') return false;
  const resource = required.slice(0, colon);
  const action = required.slice(colon + 1);
  if (action === 'read')
    return (
      scopes.includes('*:read') ||
      scopes.includes(`${resource}:write`) ||
      scopes.includes(`${resource}:*`)
    );
  if (action === 'write') return scopes.includes(`${resource}:*`);
  return false;
}

export interface GrantProblem {
  path: string;
  message: string;
}

function clip(value: string): string {
  return value.length > 70 ? `${value.slice(0, 70)}…` : value;
}

/**
 * Checks the scopes and audiences a client asks a new token to carry, and returns them
 * without repeats, or every problem found. Absent means Unleash's behaviour: `["*"]`, `[]`.
 */
export function checkGrantRequest(
  scopes: readonly string[] | undefined,
  audiences: readonly string[] | undefined,
): { scopes: readonly string[]; audiences: readonly string[] } | { problems: GrantProblem[] } {
  const problems: GrantProblem[] = [];
  if (scopes !== undefined) {
    if (scopes.length === 0)
      problems.push({
        path: '/body/scopes',
        message: 'A token needs at least one scope; leave `scopes` out for full access (`*`).',
      });
    if (scopes.length > MAX_SCOPES)
      problems.push({ path: '/body/scopes', message: `At most ${MAX_SCOPES} scopes.` });
    scopes.forEach((scope, index) => {
      if (index < MAX_SCOPES * 2 && !isScope(scope))
        problems.push({
          path: `/body/scopes/${index}`,
          message: `"${clip(scope)}" is not a scope: use *, *:read, <resource>:read, <resource>:write, <resource>:* or a plain right such as introspect (names: 1-64 of a-z, 0-9, '.', '_', '-').`,
        });
    });
  }
  if (audiences !== undefined) {
    if (audiences.length > MAX_AUDIENCES)
      problems.push({ path: '/body/audiences', message: `At most ${MAX_AUDIENCES} audiences.` });
    audiences.forEach((audience, index) => {
      if (index < MAX_AUDIENCES * 2 && !NAME.test(audience))
        problems.push({
          path: `/body/audiences/${index}`,
          message: `"${clip(audience)}" is not an audience name: 1-64 of a-z, 0-9, '.', '_', '-'.`,
        });
    });
  }
  if (problems.length > 0) return { problems };
  return {
    scopes: scopes === undefined ? FULL_SCOPES : [...new Set(scopes)],
    audiences: audiences === undefined ? NO_AUDIENCES : [...new Set(audiences)],
  };
}

/**
 * A token's scopes as its owner's role lets them act on the services behind a gateway: a
 * Viewer only reads, so its write scopes shrink to reads (`*` to `*:read`, `orders:write`
 * and `orders:*` to `orders:read`); plain rights are kept. Editors and Admins keep all.
 * A scope never lifts a role, and a demotion narrows every token at once (the credential
 * cache drops the owner's tokens on a role change, so this is worked out again).
 */
export function capToRole(scopes: readonly string[], role: RootRole): readonly string[] {
  if (role !== 'Viewer') return scopes;
  const capped = scopes.map((scope) => {
    if (scope === '*') return '*:read';
    const colon = scope.indexOf(':');
    if (colon === -1 || scope === '*:read') return scope;
    return `${scope.slice(0, colon)}:read`;
  });
  return [...new Set(capped)];
}

/** What a token may do beyond its owner's identity, as the gateway and introspection see it. */
export interface TokenGrant {
  /** The token's scopes narrowed by its owner's role; `["*"]` for full access. */
  readonly scopes: readonly string[];
  /** Audiences the token is limited to; empty means any. */
  readonly audiences: readonly string[];
  readonly accountType: AccountType;
}

// The usual token (full access, any audience) of a person or service account that is not a
// Viewer shares one frozen grant: no allocation per credential read.
const FULL_ACCESS: Readonly<Record<AccountType, TokenGrant>> = {
  User: Object.freeze({ scopes: FULL_SCOPES, audiences: NO_AUDIENCES, accountType: 'User' }),
  Service: Object.freeze({ scopes: FULL_SCOPES, audiences: NO_AUDIENCES, accountType: 'Service' }),
};

export function grantFor(
  scopes: readonly string[],
  audiences: readonly string[],
  owner: Pick<User, 'rootRole' | 'accountType'>,
): TokenGrant {
  if (
    owner.rootRole !== 'Viewer' &&
    audiences.length === 0 &&
    scopes.length === 1 &&
    scopes[0] === '*'
  )
    return FULL_ACCESS[owner.accountType];
  return Object.freeze({
    scopes: Object.freeze(capToRole(scopes, owner.rootRole)),
    audiences: Object.freeze([...audiences]),
    accountType: owner.accountType,
  });
}

/**
 * What a token made by another token may not hold: each of its scopes must be granted by the
 * maker's, and a maker limited to audiences can only make tokens limited to some of them.
 * Otherwise a narrow CI token could mint a full one. Undefined when the new grant fits.
 */
export function beyondMaker(
  wanted: { scopes: readonly string[]; audiences: readonly string[] },
  maker: { scopes: readonly string[]; audiences: readonly string[] },
): string | undefined {
  for (const scope of wanted.scopes) {
    if (!holdsScope(maker.scopes, scope)) return `the scope "${scope}"`;
  }
  if (maker.audiences.length > 0) {
    if (wanted.audiences.length === 0) return 'a token for any audience';
    for (const audience of wanted.audiences) {
      if (!maker.audiences.includes(audience)) return `the audience "${audience}"`;
    }
  }
  return undefined;
}
