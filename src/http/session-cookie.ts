import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';

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
