import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { apiBrowserCsp } from './security-headers.js';

/** Generates the OpenAPI document from the route schemas and serves a browsable page. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Unlatch API',
        version,
        description: 'Personal access tokens for the Unleash Admin API, and the users behind them.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'A personal access token, sent as the whole Authorization header.',
          },
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'A personal access token, sent as `Authorization: Bearer <token>`.',
          },
        },
      },
      security: [{ apiKey: [] }, { bearerToken: [] }],
    },
    // Name components after their $id (patSchema, ...) instead of def-0, def-1.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs/openapi',
    uiConfig: { deepLinking: false },
    staticCSP: true,
    transformStaticCSP: apiBrowserCsp,
  });
  app.get('/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
