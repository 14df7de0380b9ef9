import { parseCookie, type SetCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The cookie's name, as Unleash's: its clients and proxies already know it. */
export const SESSION_COOKIE = 'unleash-session';

// The cookie is read and written here, on the few paths that need it, with the `cookie`
// package. The @fastify/cookie plugin, used before, wraps the same package but adds an
// onRequest hook (parsing every request's cookies) and an onSend hook (looking for cookies to
// write) to every route; together they cost ~5% of a token-authenticated request's CPU
// (measured: server CPU per request, issue 15), while a token request never has the cookie.

/** The session cookie's attributes (name and value aside). */
export type SessionCookieOptions = Omit<SetCookie, 'name' | 'value'>;

/** The session id the request's cookie carries, if any (parsed on demand, once). */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined || !header.includes(SESSION_COOKIE)) return undefined;
  return parseCookie(header)[SESSION_COOKIE] || undefined;
}

/** HttpOnly (no script can read it), SameSite=Lax, Secure when served over HTTPS. */
export function sessionCookieOptions(request: FastifyRequest, expires: Date): SessionCookieOptions {
  return {
    path: '/',
    expires,
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
  };
}

/**
 * Sets the session cookie on the answer. Headers set before a route fails stay on its error
 * answer (Fastify keeps them), so a session whose expiry slid forward keeps its new cookie.
 */
export function setSessionCookie(
  reply: FastifyReply,
  sessionId: string,
  options: SessionCookieOptions,
): void {
  reply.header(
    'set-cookie',
    stringifySetCookie({ name: SESSION_COOKIE, value: sessionId, ...options }),
  );
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  reply.header(
    'set-cookie',
    stringifySetCookie({
      name: SESSION_COOKIE,
      value: '',
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      expires: new Date(0),
      maxAge: 0,
    }),
  );
}
