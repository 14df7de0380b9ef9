import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ContentTypeError } from './errors.js';

/**
 * Answers an authenticated OPTIONS with the methods the path supports (as Unleash), instead
 * of the 404 every other unsupported method gets.
 */
export function allowRoute(app: FastifyInstance, url: string, methods: readonly string[]): void {
  app.options(url, { schema: { hide: true } }, async (_request, reply) => {
    reply.header('allow', methods.join(','));
    return reply.code(200).send();
  });
}

/**
 * Fastify parses JSON only when a content-type says so and lets a bodiless request through
 * without one; the contract wants 415 for a missing content-type too.
 */
export async function requireJsonContentType(request: FastifyRequest): Promise<void> {
  if (request.headers['content-type'] === undefined) throw new ContentTypeError(undefined);
}
