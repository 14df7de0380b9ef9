// Who is asking to introspect. The contract's way is the caller's own token in
// `Authorization` (raw or Bearer), as everywhere else. RFC 7662 resource servers usually
// authenticate as OAuth clients with HTTP Basic instead (client_secret_basic: RFC 6749
// 2.3.1, id and secret form-urlencoded, then base64), and some (Apache mod_oauth2) can do
// nothing else; so here only, Basic is accepted with the caller's token as the client
// secret. The client id is not used: the token says who the caller is.

import type { FastifyRequest } from 'fastify';
import type { PatAuthenticator, PatIdentity } from '../pats/pat-authenticator.js';
import { invalidToken } from './authz-errors.js';
import { requireToken } from './token-check.js';

const BASIC = /^basic\s+([A-Za-z0-9+/=]{1,1000})\s*$/i;

/** The token inside a client_secret_basic header, or undefined when it is not one. */
export function tokenFromBasic(header: string): string | undefined {
  const match = BASIC.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  try {
    return decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export async function requireIntrospectionCaller(
  request: FastifyRequest,
  pats: PatAuthenticator,
): Promise<PatIdentity> {
  const header = request.headers.authorization;
  if (header === undefined || !/^\s*basic\s/i.test(header)) return requireToken(request, pats);
  const token = tokenFromBasic(header);
  const identity =
    token === undefined
      ? undefined
      : await pats.authenticate(token, request.ip, request.headers['user-agent']);
  if (identity === undefined) throw invalidToken();
  return identity;
}
