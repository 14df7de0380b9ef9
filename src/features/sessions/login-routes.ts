import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertNotCrossSiteWrite } from '../../http/cross-site.js';
import { pickErrors } from '../../http/error-schemas.js';
import { ClientGone, PasswordMismatch, TooManyRequestsError } from '../../core/errors.js';
import { CLIENT_CLOSED_REQUEST, clientGoneSignal } from '../../http/client-gone.js';
import type { Metrics } from '../../http/metrics.js';
import type { FixedWindowLimiter } from '../../core/rate-limiter.js';
import { requireJsonContentType } from '../../http/route-helpers.js';
import {
  clearSessionCookie,
  sessionCookieOptions,
  sessionIdOf,
  setSessionCookie,
} from '../../http/session-cookie.js';
import { toPublicUser } from '../users/public-user.js';
import type { LoginService } from './login-service.js';
import type { SessionService } from './session-service.js';

const LOGIN_PATH = '/auth/simple/login';

interface LoginBody {
  username: string;
  password: string;
}

export function loginRoutes(
  login: LoginService,
  sessions: SessionService,
  attempts: FixedWindowLimiter,
  metrics: Pick<Metrics, 'enabled' | 'loginOutcome' | 'observeRoute'>,
) {
  const onOutcome = metrics.loginOutcome.bind(metrics);
  // Login CSRF first: another site must not sign a browser into an account of its choosing,
  // and its refused attempts must not spend the address's budget (a page could otherwise
  // lock its visitors' office out of logging in). Then every attempt counts, well-formed or
  // not, before anything else is done with it.
  const limitAttempts = async (request: FastifyRequest) => {
    assertNotCrossSiteWrite(request);
    const decision = attempts.take(request.ip);
    if (!decision.allowed) {
      onOutcome('rate_limited');
      throw new TooManyRequestsError(
        'Too many login attempts from your address. Wait a minute and try again.',
        decision.retryAfterSeconds,
      );
    }
  };

  return async function register(app: FastifyInstance): Promise<void> {
    app.post<{ Body: LoginBody }>(
      LOGIN_PATH,
      {
        onRequest: limitAttempts,
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'login',
          tags: ['Auth'],
          summary: 'Sign in with a username (or email) and password; sets the session cookie.',
          body: {
            type: 'object',
            required: ['username', 'password'],
            properties: {
              username: { type: 'string', maxLength: 320, description: 'Username or email.' },
              password: { type: 'string', maxLength: 1024, description: 'The password.' },
            },
          },
          response: pickErrors(400, 401, 403, 415, 429, 503),
        },
      },
      async (request, reply) => {
        // A login can wait seconds for the hasher under a flood; a client that gives up
        // never gets an answer, so Fastify records no duration for it: this does.
        const gone = clientGoneSignal(request, reply, () => {
          if (metrics.enabled)
            metrics.observeRoute(LOGIN_PATH, 'POST', CLIENT_CLOSED_REQUEST, reply.elapsedTime);
        });
        let outcome: Awaited<ReturnType<LoginService['login']>>;
        try {
          outcome = await login.login(request.body.username, request.body.password, gone);
        } catch (error) {
          if (error instanceof PasswordMismatch) onOutcome('failure');
          if (error instanceof ClientGone) {
            onOutcome('abandoned');
            return reply.code(CLIENT_CLOSED_REQUEST).send();
          }
          throw error;
        }
        onOutcome('success');
        const { user, session } = outcome;
        setSessionCookie(reply, session.id, sessionCookieOptions(request, session.expiresAt));
        return toPublicUser(user);
      },
    );

    app.post(
      '/logout',
      {
        onRequest: async (request) => assertNotCrossSiteWrite(request),
        schema: {
          operationId: 'logout',
          tags: ['Auth'],
          summary: 'End this session (only this one).',
        },
      },
      async (request, reply) => {
        const id = sessionIdOf(request);
        if (id) await sessions.end(id);
        clearSessionCookie(reply);
        return reply.code(200).send();
      },
    );
  };
}
