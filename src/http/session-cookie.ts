import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';

/** The cookie's name, as Unleash's: its clients and proxies already know it. */
export const SESSION_COOKIE = 'unleash-session';

/** HttpOnly (no script can read it), SameSite=Lax, Secure when served over HTTPS. */
export function sessionCookieOptions(
  request: FastifyRequest,
  expires: Date,
): CookieSerializeOptions {
  return {
    path: '/',
    expires,
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
  };
}
