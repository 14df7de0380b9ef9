import { createHash } from 'node:crypto';
import { ROLE_IDS, type User } from '../../core/user.js';

/** The user as the API shows it: never the password hash. */
export interface PublicUser {
  id: number;
  name?: string;
  username?: string;
  email?: string;
  imageUrl: string;
  seenAt: string | null;
  loginAttempts: number;
  createdAt: string;
  rootRole: number;
  /** Unleash's names for the two kinds of account. */
  accountType: 'User' | 'Service Account';
  isAPI: false;
}

// Users served from the credential cache are the same objects request after request.
const avatarUrls = new WeakMap<User, string>();

export function avatarUrl(user: User): string {
  let url = avatarUrls.get(user);
  if (url === undefined) {
    const key = (user.email ?? user.username ?? String(user.id)).trim().toLowerCase();
    url = `https://gravatar.com/avatar/${createHash('md5').update(key).digest('hex')}?s=42&d=retro&r=g`;
    avatarUrls.set(user, url);
  }
  return url;
}

export function toPublicUser(user: User): PublicUser {
  return {
    id: user.id,
    ...(user.name !== null && { name: user.name }),
    ...(user.username !== null && { username: user.username }),
    ...(user.email !== null && { email: user.email }),
    imageUrl: avatarUrl(user),
    seenAt: user.seenAt?.toISOString() ?? null,
    loginAttempts: user.loginAttempts,
    createdAt: user.createdAt.toISOString(),
    rootRole: ROLE_IDS[user.rootRole],
    accountType: user.accountType === 'Service' ? 'Service Account' : 'User',
    isAPI: false,
  };
}
