import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../core/actor.js';
import { holdsScope, type TokenGrant } from '../core/scopes.js';
import type { User } from '../core/user.js';
import { tokenFromAuthorization } from './authorization-header.js';
import { assertNotCrossSiteWrite } from './cross-site.js';
import {
  AuthenticationRequired,
  MissingScopeError,
  OperationDeniedError,
  PermissionError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../core/errors.js';
import type { FixedWindowLimiter } from '../core/rate-limiter.js';
import type { Authenticate } from './error-handler.js';
import { sessionCookieOptions, sessionIdOf, setSessionCookie } from './session-cookie.js';

export type Principal =
  | { user: User; via: 'session'; sessionIdHash: string }
  | {
      user: User;
      via: 'pat';
      tokenId: number;
      scopes: readonly string[];
      audiences: readonly string[];
    };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
  interface FastifyContextConfig {
    /**
     * The resource of Unlatch's own API a route acts on (spec/scopes.md): a token needs
     * `<resource>:read` for GET/HEAD/OPTIONS and `<resource>:write` otherwise. `null`: any
     * token. A route that names none needs a token with `*`: forgetting fails closed.
     */
    resource?: string | null;
  }
}

/** Sets the resource of every route `plugin` registers that does not name its own. */
export function onResource(
  resource: string | null,
  plugin: (app: FastifyInstance) => Promise<void>,
) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.addHook('onRoute', (route) => {
      if (route.config?.resource === undefined) route.config = { ...route.config, resource };
    });
    await app.register(plugin);
  };
}

/** The scope a request needs of its token, or undefined when any token will do. */
function scopeNeeded(request: FastifyRequest): string | undefined {
  // An unknown path answers 404 whatever the token holds.
  if (request.is404) return undefined;
  // Requests refused before routing (the framework's own errors) have no route config.
  const config = request.routeOptions?.config as { resource?: string | null } | undefined;
  if (config === undefined) return undefined;
  const resource = config.resource;
  if (resource === null) return undefined;
  if (resource === undefined) return '*';
  const reads =
    request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
  return `${resource}:${reads ? 'read' : 'write'}`;
}

export function principalOf(request: FastifyRequest): Principal {
  // The admin scope's onRequest hook guarantees it; reaching here without one is a bug.
  if (!request.principal) throw new Error('route reached without authentication');
  return request.principal;
}

/** Who is acting, and from where: what audit events record. */
export function actorOf(request: FastifyRequest): Actor {
  const principal = principalOf(request);
  return {
    user: principal.user,
    ip: request.ip,
    credential:
      principal.via === 'session'
        ? { via: 'session', sessionIdHash: principal.sessionIdHash }
        : {
            via: 'pat',
            tokenId: principal.tokenId,
            scopes: principal.scopes,
            audiences: principal.audiences,
          },
  };
}

/**
 * Setting the caller's own password needs a signed-in session: a token that could do it
 * would turn a leaked CI token into the account (the holder sets a password and logs in).
 */
export function requireSessionForOwnPassword(request: FastifyRequest, targetUserId: number): void {
  const principal = principalOf(request);
  if (principal.via === 'session' || principal.user.id !== targetUserId) return;
  throw new OperationDeniedError(
    'Changing your own password needs a signed-in session; a personal access token cannot do it.',
  );
}

export function requireAdmin(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (principal.user.rootRole !== 'Admin') throw new PermissionError('ADMIN');
  return principal;
}

// The two ways in, as the hook needs them. The sessions and pats features implement them;
// the composition root hands them over, so http/ depends on no feature.

/** A live session found by its cookie; extendedTo is set when its expiry slid forward. */
export interface SessionResolver {
  resolve(
    sessionId: string,
    clientKey: string,
    tokenFollows: boolean,
  ): Promise<{ user: User; idHash: string; extendedTo?: Date } | undefined>;
}

/** The owner and grants of a live personal access token. */
export interface TokenIdentity {
  tokenId: number;
  user: User;
  scopes: readonly string[];
  grant: TokenGrant;
}

export interface TokenAuthenticator {
  authenticate(
    token: string,
    clientKey: string,
    userAgent?: string,
  ): Promise<TokenIdentity | undefined>;
  /**
   * From memory alone: the identity of a known live token, or undefined when anything else
   * must decide (then authenticate() does, and counts a failure if it is one). A caller that
   * answers only some requests itself passes admits: when it declines, nothing is counted.
   */
  authenticateCached(
    token: string,
    clientKey: string,
    userAgent: string | undefined,
    admits?: (identity: TokenIdentity) => boolean,
  ): TokenIdentity | undefined;
}

/**
 * The session cookie wins over the Authorization header (as Unleash). A cookie that matches no
 * live session counts as no cookie. No credentials at all is AuthenticationRequired; anything
 * presented that does not resolve to a live user is UnauthorizedError.
 */
export function createAuthenticate(sessions: SessionResolver, pats: TokenAuthenticator) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const sessionId = sessionIdOf(request);
    const header = request.headers.authorization;
    const hasToken = header !== undefined && header.trim() !== '';
    if (sessionId) {
      const session = await sessions.resolve(sessionId, request.ip, hasToken);
      if (session) {
        assertNotCrossSiteWrite(request);
        if (session.extendedTo) {
          setSessionCookie(reply, sessionId, sessionCookieOptions(request, session.extendedTo));
        }
        request.principal = { user: session.user, via: 'session', sessionIdHash: session.idHash };
        return;
      }
    }
    if (!hasToken) throw new AuthenticationRequired();
    const identity = await pats.authenticate(
      tokenFromAuthorization(header),
      request.ip,
      request.headers['user-agent'],
    );
    if (!identity) throw new UnauthorizedError();
    request.principal = tokenPrincipal(request, identity);
  };
}

/** The principal of a token's request, once its scopes allow the route (else 403). */
function tokenPrincipal(request: FastifyRequest, identity: TokenIdentity): Principal {
  const needed = scopeNeeded(request);
  if (needed !== undefined && !holdsScope(identity.scopes, needed)) {
    throw new MissingScopeError(needed);
  }
  return {
    user: identity.user,
    via: 'pat',
    tokenId: identity.tokenId,
    scopes: identity.scopes,
    audiences: identity.grant.audiences,
  };
}

type HookDone = (error?: Error) => void;

/**
 * The admin scope's onRequest hook: authenticate() with a synchronous first step. A request
 * with a token the cache knows, and no cookie, is decided without a promise or a turn of
 * the microtask queue (~3% of such a request's CPU); everything else (a session, a miss, a
 * wrong secret, any failure) takes authenticate() exactly as before.
 */
export function createAuthenticateHook(authenticate: Authenticate, pats: TokenAuthenticator) {
  return function authenticateHook(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookDone,
  ): void {
    const header = request.headers.authorization;
    if (header !== undefined && request.headers.cookie === undefined) {
      const identity = pats.authenticateCached(
        tokenFromAuthorization(header),
        request.ip,
        request.headers['user-agent'],
      );
      if (identity !== undefined) {
        // A missing scope throws; Fastify's hook runner passes a hook's throw on as its error.
        request.principal = tokenPrincipal(request, identity);
        done();
        return;
      }
    }
    authenticate(request, reply).then(() => done(), done);
  };
}

/**
 * Password changes per acting user: each costs a deliberately slow hash, and one user must
 * not be able to keep the hashing queue full for everyone else.
 */
export function takePasswordChange(request: FastifyRequest, limiter: FixedWindowLimiter): void {
  const decision = limiter.take(`user:${principalOf(request).user.id}`);
  if (!decision.allowed) {
    throw new TooManyRequestsError(
      'Too many password changes from your account. Wait a minute and try again.',
      decision.retryAfterSeconds,
    );
  }
}
