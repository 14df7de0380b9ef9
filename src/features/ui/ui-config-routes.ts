import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { pickErrors } from '../../http/error-schemas.js';
import { allowRoute } from '../../http/route-helpers.js';

// What the web page needs to know about this server's settings before it acts, so that it can
// disable a button up front instead of letting the user run into the error.
export function uiConfigRoutes(config: Pick<Config, 'patLimit'>) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get(
      '/ui-config',
      {
        schema: {
          operationId: 'getUiConfig',
          tags: ['Admin UI'],
          summary: 'Settings the web page needs: the PAT limit.',
          response: {
            200: {
              description: 'The settings.',
              type: 'object',
              required: ['patLimit'],
              properties: {
                patLimit: {
                  type: 'integer',
                  minimum: 1,
                  description:
                    'How many unexpired personal access tokens one user may hold (PAT_LIMIT).',
                  example: 10,
                },
              },
            },
            ...pickErrors(401),
          },
        },
      },
      async () => {
        return { patLimit: config.patLimit };
      },
    );
    allowRoute(app, '/ui-config', ['GET', 'HEAD']);
  };
}
