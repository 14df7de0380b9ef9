import type { FastifyInstance } from 'fastify';
import { pickErrors } from '../../http/error-schemas.js';
import { TooManyRequestsError } from '../../core/errors.js';
import type { FixedWindowLimiter } from '../../core/rate-limiter.js';
import { allowRoute, requireJsonContentType } from '../../http/route-helpers.js';
import { type LeakedTokens, MAX_REPORTED_TOKENS } from './leaked-tokens.js';

const URL = '/api/public/tokens/revoke';
const MAX_USER_AGENT = 256;

export function leakRoutes(leaks: LeakedTokens, reports: FixedWindowLimiter) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.post<{ Body: { tokens: string[] } }>(
      URL,
      {
        // Counted before anything is read: the endpoint needs no account, so the address is
        // all there is to hold a flood by.
        onRequest: async (request) => {
          const decision = reports.take(request.ip);
          if (!decision.allowed) {
            throw new TooManyRequestsError(
              'Too many leak reports from your address. Wait a minute and try again.',
              decision.retryAfterSeconds,
            );
          }
        },
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'revokeLeakedTokens',
          tags: ['Personal access tokens'],
          summary: 'Report leaked tokens: each live one is revoked at once. No authentication.',
          description:
            'For secret scanners and anyone who finds a token where it should not be. Always answers 202 with no body, whether or not anything matched, so the answer tells nothing about the tokens sent.',
          body: {
            type: 'object',
            required: ['tokens'],
            properties: {
              tokens: {
                type: 'array',
                maxItems: MAX_REPORTED_TOKENS,
                items: { type: 'string', maxLength: 512 },
                description: 'The leaked strings, each a whole token (`user:v2_…`).',
                example: ['user:v2_…'],
              },
            },
          },
          response: {
            202: { description: 'Received; nothing more is said.', type: 'null' },
            ...pickErrors(400, 413, 415, 429),
          },
        },
      },
      async (request, reply) => {
        const agent = request.headers['user-agent'];
        await leaks.revoke(request.body.tokens, {
          ip: request.ip,
          userAgent: typeof agent === 'string' ? agent.slice(0, MAX_USER_AGENT) : null,
        });
        return reply.code(202).send();
      },
    );
    allowRoute(app, URL, ['POST']);
  };
}
