// The identity headers of an authz answer (spec/gateway.md): who the token's owner is, in
// the names Authelia/Authentik (Remote-*), oauth2-proxy (X-Auth-Request-*) and Unlatch use.
//
// Built once per cached credential: the credential cache hands out the same User object for
// a selector until the entry is evicted (revocation, role change, user change, TTL), and a
// fill after eviction makes a new one. Keyed weakly on that object, the memo is dropped with
// the entry, so a role change shows on the very next request and nothing here needs its own
// invalidation.

import type { User } from '../../core/user.js';
import type { TokenGrant } from '../../core/scopes.js';

export type IdentityHeaders = Readonly<Record<string, string>>;

interface Memo {
  tokenId: number;
  grant: TokenGrant;
  headers: IdentityHeaders;
}

const memos = new WeakMap<User, Memo>();

/**
 * Header values must be visible ASCII: Node refuses control characters and anything above
 * U+00FF outright, and bytes 0x80-0xFF mean different things to different proxies. Such
 * values are sent percent-encoded as UTF-8 (with `%` itself as `%25`), so that plain ASCII
 * names arrive unchanged and the rest decode with any URI decoder.
 */
export function headerValue(value: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(value)) return value;
  return value.replace(/[^\x20-\x24\x26-\x7e]+/gu, (run) => encodeURIComponent(run));
}

function build(tokenId: number, user: User, grant: TokenGrant): IdentityHeaders {
  const headers: Record<string, string> = {};
  const remoteUser = user.username ?? user.email ?? String(user.id);
  headers['remote-user'] = headerValue(remoteUser);
  headers['x-auth-request-user'] = headers['remote-user'];
  if (user.email !== null) {
    headers['remote-email'] = headerValue(user.email);
    headers['x-auth-request-email'] = headers['remote-email'];
  }
  if (user.name !== null) headers['remote-name'] = headerValue(user.name);
  headers['remote-groups'] = user.rootRole;
  headers['x-unlatch-user-id'] = String(user.id);
  headers['x-unlatch-token-id'] = String(tokenId);
  headers['x-unlatch-scopes'] = grant.scopes.join(' ');
  headers['x-unlatch-account-type'] = grant.accountType;
  return Object.freeze(headers);
}

export function identityHeaders(tokenId: number, user: User, grant: TokenGrant): IdentityHeaders {
  const memo = memos.get(user);
  // The same User object always belongs to one credential; the checks make the memo correct
  // even if that ever changed.
  if (memo !== undefined && memo.tokenId === tokenId && memo.grant === grant) return memo.headers;
  const headers = build(tokenId, user, grant);
  memos.set(user, { tokenId, grant, headers });
  return headers;
}
