// RFC 7662 token introspection (spec/gateway.md). The introspected token goes through the
// same authenticator as every other request (cache, failed-token limit, expiry, seenAt); its
// creation and expiry times come from the same cached credential, so an active answer for a
// cached token costs no database work either.

import type { CredentialCache } from '../pats/credential-cache.js';
import type { PatAuthenticator } from '../pats/pat-authenticator.js';
import type { PatStore } from '../pats/pat-store.js';
import { selectorOf } from '../pats/token.js';
import type { User } from '../../core/user.js';
import { holdsScope, type TokenGrant } from '../../core/scopes.js';

/** Exactly this for anything not active: no hint of why (no oracle). */
export const INACTIVE = Object.freeze({ active: false as const });

export interface ActiveIntrospection {
  active: true;
  scope: string;
  client_id: string;
  username: string;
  token_type: 'Bearer';
  exp?: number;
  iat: number;
  sub: string;
  aud?: string[];
  jti: string;
}

/**
 * Who may introspect: a token whose owner is an Admin (with `*` or `introspect`), or any
 * token naming the special right `introspect` (spec/scopes.md: `*` does not include it).
 */
export function mayIntrospect(user: User, grant: TokenGrant): boolean {
  if (holdsScope(grant.scopes, 'introspect')) return true;
  return user.rootRole === 'Admin' && grant.scopes.includes('*');
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** Dates at or beyond this are "never expires" (no `exp`). */
const NEVER = Date.UTC(9999, 0, 1);

export class Introspection {
  constructor(
    private readonly pats: PatAuthenticator,
    private readonly cache: CredentialCache,
    private readonly store: PatStore,
  ) {}

  async introspect(
    token: string,
    clientKey: string,
  ): Promise<ActiveIntrospection | typeof INACTIVE> {
    const identity = await this.pats.authenticate(token, clientKey);
    if (identity === undefined) return INACTIVE;
    // authenticate() just accepted it, so the selector is well-formed and almost always
    // cached; the store is the fallback while the cache is bypassed.
    const selector = selectorOf(token) as string;
    const credential = this.cache.get(selector) ?? (await this.store.findCredential(selector));
    // Deleted between the two reads: as inactive as a token can be.
    if (credential === undefined || credential.tokenId !== identity.tokenId) return INACTIVE;
    const user = credential.user;
    const grant = identity.grant;
    const id = String(identity.tokenId);
    return {
      active: true,
      scope: grant.scopes.join(' '),
      client_id: id,
      username: user.username ?? user.email ?? String(user.id),
      token_type: 'Bearer',
      ...(credential.expiresAt.getTime() < NEVER && { exp: seconds(credential.expiresAt) }),
      iat: seconds(credential.createdAt),
      sub: String(user.id),
      ...(grant.audiences.length > 0 && { aud: [...grant.audiences] }),
      jti: id,
    };
  }
}
