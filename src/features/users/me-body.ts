import type { User } from '../../core/user.js';
import { toPublicUser } from './public-user.js';

// The answer depends only on the user object; a token served from the credential cache
// brings the same object on every request until the cache refreshes it, so its JSON is
// built once per object, not once per request.
const meBodies = new WeakMap<User, string>();

/** The answer of `GET /api/admin/user` (who am I) for this user, as JSON text. */
export function meBody(user: User): string {
  let body = meBodies.get(user);
  if (body === undefined) {
    body = JSON.stringify({
      user: toPublicUser(user),
      permissions: user.rootRole === 'Admin' ? [{ permission: 'ADMIN' }] : [],
      feedback: [],
      splash: {},
    });
    meBodies.set(user, body);
  }
  return body;
}
