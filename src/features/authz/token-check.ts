// Resolving the token of an authz call. Tokens only: a browser session cookie is never
// looked at here, so a service behind a proxy cannot inherit cookie-based CSRF exposure.

import type { FastifyRequest } from 'fastify';
import type { PatAuthenticator, PatIdentity } from '../pats/pat-authenticator.js';
import { tokenFromAuthorization } from '../../http/authorization-header.js';
import { invalidToken, noToken } from './authz-errors.js';

/**
 * The live token's owner, or a 401 (no token / invalid token). The failed-token limit (429)
 * and a database outage (503) surface as the authenticator raises them; seenAt is recorded
 * by the authenticator.
 */
export async function requireToken(
  request: FastifyRequest,
  pats: PatAuthenticator,
): Promise<PatIdentity> {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') throw noToken();
  const identity = await pats.authenticate(
    tokenFromAuthorization(header),
    request.ip,
    request.headers['user-agent'],
  );
  if (identity === undefined) throw invalidToken();
  return identity;
}
