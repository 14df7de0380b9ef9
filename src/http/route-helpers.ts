import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ContentTypeError } from '../core/errors.js';

/**
 * Answers an authenticated OPTIONS with the methods the path supports, instead of the 404
 * every other unsupported method gets; as Unleash (Express), the list is also the body, as
 * text/html.
 */
export function allowRoute(app: FastifyInstance, url: string, methods: readonly string[]): void {
  const allow = methods.join(',');
  app.options(url, { schema: { hide: true } }, async (_request, reply) => {
    reply.header('allow', allow);
    return reply.code(200).type('text/html; charset=utf-8').send(allow);
  });
}

/**
 * DELETE (and OPTIONS) take no body, as in Unleash: clients that send a JSON content-type, or
 * some text, on every request must still be able to delete a token. Forgetting the headers
 * that announce a body makes Fastify skip parsing; Node discards the unread bytes.
 */
export function ignoreBodyOfBodilessMethods(request: FastifyRequest): void {
  if (request.method !== 'DELETE' && request.method !== 'OPTIONS') return;
  const headers = request.headers;
  delete headers['content-type'];
  delete headers['content-length'];
  delete headers['transfer-encoding'];
}

/**
 * Whether the request's headers announce a body. The fast lanes, which answer before Fastify
 * and never read one, send such a request the long way (Fastify reads and drops it).
 */
export function announcesBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Fastify parses JSON only when a content-type says so and lets a bodiless request through
 * without one; the contract wants 415 for a missing content-type too.
 */
export async function requireJsonContentType(request: FastifyRequest): Promise<void> {
  if (request.headers['content-type'] === undefined) throw new ContentTypeError(undefined);
}

/** The content type of every JSON answer, as Fastify sets it for the objects it serialises. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Sends JSON that is already text (a memoised or pre-joined body) with that content type. */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type(JSON_CONTENT_TYPE).send(text);
}
