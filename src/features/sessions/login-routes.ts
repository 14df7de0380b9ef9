import type { FastifyInstance } from 'fastify';
import { pickErrors } from '../../http/error-schemas.js';
import { requireJsonContentType } from '../../http/route-helpers.js';
import { toPublicUser } from '../users/user.js';
import type { LoginService } from './login-service.js';
import { SESSION_COOKIE, type SessionService } from './session-service.js';

interface LoginBody {
  username: string;
  password: string;
}

export function loginRoutes(login: LoginService, sessions: SessionService) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.post<{ Body: LoginBody }>(
      '/auth/simple/login',
      {
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
              password: { type: 'string', maxLength: 1024 },
            },
          },
          response: pickErrors(400, 401, 415),
        },
      },
      async (request, reply) => {
        const { user, session } = await login.login(request.body.username, request.body.password);
        reply.setCookie(SESSION_COOKIE, session.id, {
          path: '/',
          expires: session.expiresAt,
          httpOnly: true,
          sameSite: 'lax',
          secure: request.protocol === 'https',
        });
        reply.header('cache-control', 'no-store');
        return { ...toPublicUser(user) };
      },
    );

    app.post(
      '/logout',
      { schema: { operationId: 'logout', tags: ['Auth'], summary: 'End this session.' } },
      async (request, reply) => {
        const id = request.cookies[SESSION_COOKIE];
        if (id) await sessions.end(id);
        reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax' });
        return reply.code(200).send();
      },
    );
  };
}
