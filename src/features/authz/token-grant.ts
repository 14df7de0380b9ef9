// What a token may do beyond its owner's identity: its scopes and audiences. Scopes and
// audiences arrive with a later issue (spec/scopes.md); until then every token holds `*`
// and lists no audiences, exactly what a token created without them will hold. The scopes
// issue only has to change grantOf() (e.g. read the two lists from the cached credential).

import type { User } from '../users/user.js';

export interface TokenGrant {
  /** Scope strings in the grammar of spec/scopes.md; `["*"]` for full access. */
  readonly scopes: readonly string[];
  /** Audiences the token is limited to; empty means any. */
  readonly audiences: readonly string[];
  readonly accountType: 'User' | 'Service';
}

const FULL_ACCESS: TokenGrant = Object.freeze({
  scopes: Object.freeze(['*']),
  audiences: Object.freeze([]),
  accountType: 'User',
});

export interface GrantSource {
  tokenId: number;
  user: User;
}

export function grantOf(_identity: GrantSource): TokenGrant {
  return FULL_ACCESS;
}
