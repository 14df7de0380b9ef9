import type { PatJson } from '../pats/pat.js';
import { ROLE_IDS, type User } from '../../core/user.js';
import { avatarUrl } from '../users/public-user.js';

/**
 * A service account as Unleash's `serviceAccountSchema` shows it, in its key order. `seenAt`
 * is always null, as in Unleash: its tokens' seenAt say when it was last used.
 */
export interface ServiceAccountJson {
  id: number;
  name?: string;
  username?: string;
  imageUrl: string;
  rootRole: number;
  seenAt: null;
  createdAt: string;
  tokens?: PatJson[];
}

export function toServiceAccountJson(account: User, tokens?: PatJson[]): ServiceAccountJson {
  return {
    id: account.id,
    ...(account.name !== null && { name: account.name }),
    ...(account.username !== null && { username: account.username }),
    imageUrl: avatarUrl(account),
    rootRole: ROLE_IDS[account.rootRole],
    seenAt: null,
    createdAt: account.createdAt.toISOString(),
    ...(tokens !== undefined && { tokens }),
  };
}

/** The audit record of a service account: a whitelist. */
export function serviceAccountEventData(account: User) {
  return {
    id: account.id,
    username: account.username,
    name: account.name,
    rootRole: account.rootRole,
  };
}
