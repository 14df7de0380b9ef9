import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, principalOf } from '../../http/authenticate.js';
import { pickErrors } from '../../http/error-schemas.js';
import { NotFoundError } from '../../core/errors.js';
import { allowRoute, requireJsonContentType, sendJsonText } from '../../http/route-helpers.js';
import { patsBody } from './pat-list-body.js';
import { patIdParamsSchema, rotatePatSchema, tokenUsageSchema } from './pat-schemas.js';
import type { CreatePatInput, PatService, RotatePatInput } from './pat-service.js';
import type { TokenInventory } from './token-inventory.js';

const TAGS = ['Personal access tokens'];
const TOKENS_URL = '/user/tokens';

export function patRoutes(service: PatService, inventory: TokenInventory) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get(
      TOKENS_URL,
      {
        schema: {
          operationId: 'getPats',
          tags: TAGS,
          summary: 'List your personal access tokens (PATs).',
          description:
            'Returns the tokens that belong to the signed-in user, oldest first. Secrets are never included.',
          response: {
            200: { description: 'The tokens.', $ref: 'patsSchema#' },
            ...pickErrors(401, 403, 404),
          },
        },
      },
      // A cached list is answered synchronously (no promise per request); a miss reads it.
      (request, reply) => {
        const userId = principalOf(request).user.id;
        const cached = service.listCached(userId);
        if (cached === undefined) {
          return service.list(userId).then((pats) => sendJsonText(reply, patsBody(pats)));
        }
        sendJsonText(reply, patsBody(cached));
        return undefined;
      },
    );

    app.post<{ Body: CreatePatInput }>(
      TOKENS_URL,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'createPat',
          tags: TAGS,
          summary: 'Create a personal access token (PAT).',
          description:
            'Creates a token for the signed-in user. The answer holds the secret: store it now, it is never shown again.',
          body: { $ref: 'createPatSchema#' },
          response: {
            201: {
              description: 'The token was created. The secret is in this answer only.',
              headers: {
                location: {
                  type: 'string',
                  format: 'uri',
                  description: 'Where the new token can be found.',
                },
              },
              $ref: 'patSchema#',
            },
            ...pickErrors(400, 401, 403, 404, 409, 413, 415),
          },
        },
      },
      async (request, reply) => {
        const { description, expiresAt, scopes, audiences } = request.body;
        const created = await service.create(actorOf(request), {
          description,
          expiresAt,
          ...(scopes !== undefined && { scopes }),
          ...(audiences !== undefined && { audiences }),
        });
        reply.header('location', `/api/admin/user/tokens/${created.id}`);
        return reply.code(201).send(created);
      },
    );

    // The calling token itself: a CI job can learn which token it runs with, and revoke it
    // when it is done, without knowing its id. A session is no token: 404.
    const callingTokenId = (request: FastifyRequest): number => {
      const principal = principalOf(request);
      if (principal.via !== 'pat') {
        throw new NotFoundError(
          'This request was made with a session, not a token: there is no calling token.',
        );
      }
      return principal.tokenId;
    };

    app.get(
      `${TOKENS_URL}/self`,
      {
        schema: {
          operationId: 'getCallingPat',
          tags: TAGS,
          summary: 'The token this request was made with.',
          description:
            'As in the list, with the scopes and audiences the token holds. 404 when the caller is a session.',
          response: pickErrors(401, 404),
        },
      },
      async (request) => {
        const pat = await service.get(principalOf(request).user.id, callingTokenId(request));
        return pat;
      },
    );

    app.delete(
      `${TOKENS_URL}/self`,
      {
        schema: {
          operationId: 'deleteCallingPat',
          tags: TAGS,
          summary: 'Revoke the token this request was made with.',
          description:
            'The next request with it fails, on every instance. 404 when the caller is a session.',
          response: {
            200: { description: 'Done; no body.', type: 'null' },
            ...pickErrors(401, 404),
          },
        },
      },
      async (request, reply) => {
        await service.delete(actorOf(request), callingTokenId(request));
        return reply.code(200).send();
      },
    );

    app.delete<{ Params: { id: number } }>(
      `${TOKENS_URL}/:id`,
      {
        schema: {
          operationId: 'deletePat',
          tags: TAGS,
          summary: 'Delete one of your personal access tokens (PATs).',
          description:
            "Deletes the token at once, on every instance. Answers 200 also when there is no such token of yours, so that ids of other users' tokens cannot be probed.",
          params: patIdParamsSchema,
          response: {
            200: { description: 'Done; no body.', type: 'null' },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        await service.delete(actorOf(request), request.params.id);
        return reply.code(200).send();
      },
    );

    app.post<{ Params: { id: number }; Body: RotatePatInput }>(
      `${TOKENS_URL}/:id/rotate`,
      {
        // The body is optional: none at all is the defaults.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          operationId: 'rotatePat',
          tags: TAGS,
          summary: 'Rotate one of your personal access tokens (PATs).',
          description:
            "Answers as creation does: a new token with the same description and a new secret, shown once. The old token keeps working for `overlapSeconds` (listed meanwhile with `rotatedTo` and its expiry at the overlap's end), then fails on every instance. A token is rotated once: again is 409. Not bound by the per-user limit.",
          params: patIdParamsSchema,
          body: rotatePatSchema,
          response: {
            201: {
              description: 'The new token. The secret is in this answer only.',
              headers: {
                location: {
                  type: 'string',
                  format: 'uri',
                  description: 'Where the new token can be found.',
                },
              },
              $ref: 'patSchema#',
            },
            ...pickErrors(400, 401, 403, 404, 409, 415),
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const created = await service.rotate(
          actorOf(request),
          { id: principal.user.id, accountType: principal.user.accountType },
          request.params.id,
          {
            expiresAt: request.body.expiresAt,
            overlapSeconds: request.body.overlapSeconds,
          },
        );
        reply.header('location', `/api/admin/user/tokens/${created.id}`);
        return reply.code(201).send(created);
      },
    );

    app.get<{ Params: { id: number } }>(
      `${TOKENS_URL}/:id/usage`,
      {
        schema: {
          operationId: 'getPatUsage',
          tags: TAGS,
          summary: "One of your tokens' use: requests per day, last address and user agent.",
          description:
            'Counts are written in batches every few seconds, so the latest requests may not show yet. 404 for a token that is not yours.',
          params: patIdParamsSchema,
          response: {
            200: { ...tokenUsageSchema, description: 'The usage.' },
            ...pickErrors(400, 401, 404),
          },
        },
      },
      async (request) => {
        // Ownership first: another user's token is "not found", as in every token route.
        await service.get(principalOf(request).user.id, request.params.id);
        return inventory.usage(request.params.id);
      },
    );

    allowRoute(app, TOKENS_URL, ['GET', 'HEAD', 'POST']);
    allowRoute(app, `${TOKENS_URL}/:id/rotate`, ['POST']);
    allowRoute(app, `${TOKENS_URL}/:id/usage`, ['GET', 'HEAD']);
    allowRoute(app, `${TOKENS_URL}/:id`, ['DELETE']);
    allowRoute(app, `${TOKENS_URL}/self`, ['GET', 'HEAD', 'DELETE']);
  };
}
