// The Admins' token inventory: every token of every account, revocation with a reason, usage.

import type { FastifyInstance } from 'fastify';
import { actorOf, requireAdmin } from '../../http/authenticate.js';
import { pickErrors } from '../../http/error-schemas.js';
import { allowRoute, requireJsonContentType } from '../../http/route-helpers.js';
import { DEFAULT_PAGE, type InventoryQuery, MAX_PAGE } from './inventory-query.js';
import { ACCOUNT_TYPES } from './pat-inventory-store.js';
import { tokenUsageSchema } from './pat-schemas.js';
import { MAX_BULK_REVOKE, type TokenInventory } from './token-inventory.js';

const TAGS = ['Token inventory'];
const BASE = '/tokens';
const MAX_REASON = 1000;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', description: "The token's id." } },
} as const;

const ownerSchema = {
  type: 'object',
  description: 'Who owns the token.',
  properties: {
    id: { type: 'integer', example: 7 },
    username: { type: 'string', nullable: true, example: 'ci-bot' },
    name: { type: 'string', nullable: true, example: 'CI bot' },
    accountType: { type: 'string', enum: ACCOUNT_TYPES, example: 'User' },
  },
} as const;

const inventorySchema = {
  type: 'object',
  description: 'One page of tokens, newest first, and the cursor of the next page.',
  properties: {
    tokens: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer', example: 12 },
          description: { type: 'string', example: 'CI deploy job' },
          expiresAt: { type: 'string', format: 'date-time' },
          createdAt: { type: 'string', format: 'date-time' },
          seenAt: { type: 'string', format: 'date-time', nullable: true },
          rotatedTo: {
            type: 'integer',
            nullable: true,
            description: 'The token that replaced this one, during its overlap.',
          },
          owner: ownerSchema,
        },
      },
    },
    next: {
      type: 'string',
      nullable: true,
      description: 'Pass as `next` for the following page; null on the last page.',
    },
  },
} as const;

const inventoryQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    owner: {
      type: 'string',
      description: "Only this user's (or service account's) tokens: an id.",
    },
    accountType: {
      type: 'string',
      description: `Only tokens of this kind of account: ${ACCOUNT_TYPES.join(' or ')}.`,
    },
    expired: {
      type: 'string',
      description: '`true`: only expired tokens; `false`: only live ones.',
    },
    expiresBefore: {
      type: 'string',
      description: 'Only tokens expiring before this RFC 3339 date-time.',
    },
    seenBefore: {
      type: 'string',
      description:
        'Only tokens last used before this RFC 3339 date-time (never-used ones are left out; see neverUsed).',
    },
    neverUsed: {
      type: 'string',
      description: '`true`: only tokens never used; `false`: only used ones.',
    },
    q: { type: 'string', maxLength: 200, description: 'A part of the description, any case.' },
    limit: {
      type: 'string',
      description: `Tokens per page, 1 to ${MAX_PAGE} (default ${DEFAULT_PAGE}).`,
    },
    next: { type: 'string', maxLength: 200, description: 'The `next` of the previous page.' },
  },
} as const;

const reasonSchema = {
  type: 'string',
  maxLength: MAX_REASON,
  description: 'Why: recorded in each `pat-deleted` event.',
  example: 'leaked in a CI log',
} as const;

export function inventoryRoutes(inventory: TokenInventory) {
  return async function register(app: FastifyInstance): Promise<void> {
    // Every route here is for Admins; checked before validation so others learn nothing.
    app.addHook('preValidation', async (request) => {
      if (request.method !== 'OPTIONS') requireAdmin(request);
    });

    app.get<{ Querystring: InventoryQuery }>(
      BASE,
      {
        schema: {
          operationId: 'getAllTokens',
          tags: TAGS,
          summary: 'Every token of every account, newest first (Admins only).',
          description:
            "Filters combine (all must hold). Paged by cursor: pass the answer's `next` to get the following page.",
          querystring: inventoryQuerySchema,
          response: {
            200: { ...inventorySchema, description: 'A page of tokens.' },
            ...pickErrors(400, 401, 403),
          },
        },
      },
      async (request) => {
        return inventory.list(request.query);
      },
    );

    app.delete<{ Params: { id: number }; Querystring: { reason?: string } }>(
      `${BASE}/:id`,
      {
        schema: {
          operationId: 'revokeToken',
          tags: TAGS,
          summary: "Revoke anyone's token (Admins only).",
          description:
            'The token fails at once on every instance; the event `pat-deleted` carries the reason.',
          params: idParams,
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { reason: reasonSchema },
          },
          response: {
            200: { description: 'Revoked; no body.', type: 'null' },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        await inventory.revokeOne(actorOf(request), request.params.id, request.query.reason);
        return reply.code(200).send();
      },
    );

    app.post<{ Body: { ids: number[]; reason?: string } }>(
      `${BASE}/revoke`,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'revokeTokens',
          tags: TAGS,
          summary: `Revoke up to ${MAX_BULK_REVOKE} tokens at once (Admins only).`,
          description:
            'They fail at once on every instance, each with a `pat-deleted` event carrying the reason. Ids that match no token are listed in `notFound`, not an error.',
          body: {
            type: 'object',
            required: ['ids'],
            additionalProperties: false,
            properties: {
              ids: {
                type: 'array',
                minItems: 1,
                maxItems: MAX_BULK_REVOKE,
                items: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
                description: 'The tokens to revoke.',
              },
              reason: reasonSchema,
            },
          },
          response: {
            200: {
              description: 'What was revoked, and which ids matched no token.',
              type: 'object',
              properties: {
                revoked: { type: 'array', items: { type: 'integer' } },
                notFound: { type: 'array', items: { type: 'integer' } },
              },
            },
            ...pickErrors(400, 401, 403, 413, 415),
          },
        },
      },
      async (request) => {
        return inventory.revoke(actorOf(request), request.body.ids, request.body.reason);
      },
    );

    app.get<{ Params: { id: number } }>(
      `${BASE}/:id/usage`,
      {
        schema: {
          operationId: 'getTokenUsage',
          tags: TAGS,
          summary: "Any token's use (Admins only).",
          params: idParams,
          response: {
            200: { ...tokenUsageSchema, description: 'The usage.' },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        return inventory.usageOfAny(request.params.id);
      },
    );

    allowRoute(app, BASE, ['GET', 'HEAD']);
    allowRoute(app, `${BASE}/:id`, ['DELETE']);
    allowRoute(app, `${BASE}/revoke`, ['POST']);
    allowRoute(app, `${BASE}/:id/usage`, ['GET', 'HEAD']);
  };
}
