import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../http/authenticate.js';
import { pickErrors } from '../../http/error-schemas.js';
import { allowRoute } from '../../http/route-helpers.js';
import { toPublicUser } from './user.js';

export function userRoutes() {
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
      async (request, reply) => {
        const { user } = principalOf(request);
        reply.header('cache-control', 'no-store');
        return {
          user: toPublicUser(user),
          permissions: user.rootRole === 'Admin' ? [{ permission: 'ADMIN' }] : [],
          feedback: [],
          splash: {},
        };
      },
    );
    allowRoute(app, '/user', ['GET', 'HEAD']);
  };
}
