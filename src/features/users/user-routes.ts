import type { FastifyInstance } from 'fastify';
import {
  actorOf,
  principalOf,
  requireSessionForOwnPassword,
  takePasswordChange,
} from '../../http/authenticate.js';
import { pickErrors } from '../../http/error-schemas.js';
import { BadDataError } from '../../core/errors.js';
import type { FixedWindowLimiter } from '../../core/rate-limiter.js';
import { allowRoute, requireJsonContentType, sendJsonText } from '../../http/route-helpers.js';
import { MAX_PASSWORD_LENGTH } from './password-policy.js';
import { meBody } from './me-body.js';
import type { UserService } from './user-service.js';

export function userRoutes(users: UserService, passwordChanges: FixedWindowLimiter) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get(
      '/user',
      {
        schema: {
          operationId: 'getMe',
          tags: ['Users'],
          summary: 'Who am I: the signed-in user and their permissions.',
          response: pickErrors(401),
        },
      },
      // Synchronous (no promise per request): what every token-holding client asks first.
      (request, reply) => {
        const { user } = principalOf(request);
        sendJsonText(reply, meBody(user));
      },
    );
    app.post<{ Body: { password: string; confirmPassword: string } }>(
      '/user/change-password',
      {
        // A token is refused before its body is even read (after the scope's authentication).
        onRequest: async (request) =>
          requireSessionForOwnPassword(request, principalOf(request).user.id),
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'changeMyPassword',
          tags: ['Users'],
          summary:
            'Change your own password (needs a signed-in session: tokens are refused). Ends your other sessions and deletes your tokens.',
          body: {
            type: 'object',
            required: ['password', 'confirmPassword'],
            properties: {
              password: {
                type: 'string',
                maxLength: MAX_PASSWORD_LENGTH * 4,
                description: 'The new password.',
              },
              confirmPassword: {
                type: 'string',
                maxLength: MAX_PASSWORD_LENGTH * 4,
                description: 'The same again.',
              },
            },
          },
          response: pickErrors(400, 401, 403, 415, 429, 503),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        takePasswordChange(request, passwordChanges);
        if (request.body.password !== request.body.confirmPassword) {
          throw new BadDataError('The passwords do not match.', [
            {
              path: '/body/confirmPassword',
              message: 'confirmPassword must be the same as password.',
            },
          ]);
        }
        const keep = principal.via === 'session' ? principal.sessionIdHash : undefined;
        await users.changePassword(
          actorOf(request),
          principal.user.id,
          request.body.password,
          keep,
        );
        return reply.code(200).send();
      },
    );

    allowRoute(app, '/user', ['GET', 'HEAD']);
    allowRoute(app, '/user/change-password', ['POST']);
  };
}
