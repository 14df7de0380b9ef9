import type { FastifyInstance } from 'fastify';
import { actorOf, requireAdmin } from '../../http/authenticate.js';
import { pickErrors } from '../../http/error-schemas.js';
import { allowRoute, requireJsonContentType } from '../../http/route-helpers.js';
import { rotatePatSchema } from '../pats/pat-schemas.js';
import type { CreatePatInput, PatService, RotatePatInput } from '../pats/pat-service.js';
import { ROLE_IDS, ROOT_ROLES, type RootRole } from '../../core/user.js';
import { toRole } from '../users/user-admin-routes.js';
import { toServiceAccountJson } from './service-account.js';
import type { ServiceAccountService } from './service-account-service.js';

const TAGS = ['Service accounts'];
const BASE = '/service-account';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', description: "The service account's id." } },
} as const;

const tokenParams = {
  type: 'object',
  required: ['id', 'tokenId'],
  properties: {
    id: { type: 'integer', description: "The service account's id." },
    tokenId: { type: 'integer', description: "The token's id." },
  },
} as const;

interface CreateBody {
  username?: string;
  name?: string;
  rootRole: RootRole | number;
}

interface UpdateBody {
  name?: string;
  rootRole?: RootRole | number;
}

export function serviceAccountRoutes(accounts: ServiceAccountService, pats: PatService) {
  return async function register(app: FastifyInstance): Promise<void> {
    // Admins only; checked before validation so that others learn nothing.
    app.addHook('preValidation', async (request) => {
      if (request.method !== 'OPTIONS') requireAdmin(request);
    });
    app.get(
      BASE,
      {
        schema: {
          operationId: 'getServiceAccounts',
          tags: TAGS,
          summary: 'List service accounts, each with its tokens (Admins only).',
          response: {
            200: { description: 'The accounts.', $ref: 'serviceAccountsSchema#' },
            ...pickErrors(401, 403),
          },
        },
      },
      async () => {
        const list = await accounts.list();
        const tokens = await pats.listMany(list.map((account) => account.id));
        return {
          serviceAccounts: list.map((account) =>
            toServiceAccountJson(account, tokens.get(account.id) ?? []),
          ),
          rootRoles: ROOT_ROLES.map((name) => ({ id: ROLE_IDS[name], name, type: 'root' })),
        };
      },
    );

    app.post<{ Body: CreateBody }>(
      BASE,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'createServiceAccount',
          tags: TAGS,
          summary: 'Create a service account (Admins only). It cannot log in; give it tokens.',
          body: { $ref: 'createServiceAccountSchema#' },
          response: {
            201: { description: 'The new account.', $ref: 'serviceAccountSchema#' },
            ...pickErrors(400, 401, 403, 409, 415),
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const account = await accounts.create(actorOf(request), {
          // Required by the service with a clear message, rather than by the schema.
          username: body.username ?? '',
          ...(body.name !== undefined && { name: body.name }),
          rootRole: toRole(body.rootRole),
        });
        reply.header('location', `/api/admin/service-account/${account.id}`);
        return reply.code(201).send(toServiceAccountJson(account));
      },
    );

    app.put<{ Params: { id: number }; Body: UpdateBody }>(
      `${BASE}/:id`,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'updateServiceAccount',
          tags: TAGS,
          summary:
            "Change a service account's name or root role (Admins only); its tokens act with the new role from their next request.",
          params: idParams,
          body: { $ref: 'updateServiceAccountSchema#' },
          response: {
            200: { description: 'The account as it is now.', $ref: 'serviceAccountSchema#' },
            ...pickErrors(400, 401, 403, 404, 415),
          },
        },
      },
      async (request) => {
        const body = request.body;
        const account = await accounts.update(actorOf(request), request.params.id, {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.rootRole !== undefined && { rootRole: toRole(body.rootRole) }),
        });
        return toServiceAccountJson(account);
      },
    );

    app.delete<{ Params: { id: number } }>(
      `${BASE}/:id`,
      {
        schema: {
          operationId: 'deleteServiceAccount',
          tags: TAGS,
          summary: 'Delete a service account (Admins only): its tokens stop working at once.',
          params: idParams,
          response: {
            200: { description: 'Done; no body.', type: 'null' },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        await accounts.delete(actorOf(request), request.params.id);
        return reply.code(200).send();
      },
    );

    app.get<{ Params: { id: number } }>(
      `${BASE}/:id/token`,
      {
        schema: {
          operationId: 'getServiceAccountTokens',
          tags: TAGS,
          summary: "A service account's tokens, oldest first (Admins only).",
          params: idParams,
          response: {
            200: { description: 'The tokens; never a secret.', $ref: 'patsSchema#' },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        const account = await accounts.get(request.params.id);
        return { pats: await pats.list(account.id) };
      },
    );

    app.post<{ Params: { id: number }; Body: CreatePatInput }>(
      `${BASE}/:id/token`,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'createServiceAccountToken',
          tags: TAGS,
          summary:
            'Create a token for a service account (Admins only). The answer holds the secret, once.',
          params: idParams,
          body: { $ref: 'createPatSchema#' },
          response: {
            201: {
              description: 'The token; the secret is in this answer only.',
              headers: {
                location: { type: 'string', description: 'Where the new token can be found.' },
              },
              $ref: 'patSchema#',
            },
            ...pickErrors(400, 401, 403, 404, 409, 415),
          },
        },
      },
      async (request, reply) => {
        const { description, expiresAt, scopes, audiences } = request.body;
        const owner = { id: request.params.id, accountType: 'Service' as const };
        const created = await pats.createFor(actorOf(request), owner, {
          description,
          expiresAt,
          ...(scopes !== undefined && { scopes }),
          ...(audiences !== undefined && { audiences }),
        });
        reply.header('location', `/api/admin/service-account/${owner.id}/token/${created.id}`);
        return reply.code(201).send(created);
      },
    );

    app.delete<{ Params: { id: number; tokenId: number } }>(
      `${BASE}/:id/token/:tokenId`,
      {
        schema: {
          operationId: 'deleteServiceAccountToken',
          tags: TAGS,
          summary:
            "Delete a service account's token (Admins only), at once on every instance. 200 also when the account has no such token.",
          params: tokenParams,
          response: {
            200: { description: 'Done; no body.', type: 'null' },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        const account = await accounts.get(request.params.id);
        await pats.deleteFor(actorOf(request), account.id, request.params.tokenId);
        return reply.code(200).send();
      },
    );

    app.post<{ Params: { id: number; tokenId: number }; Body: RotatePatInput }>(
      `${BASE}/:id/token/:tokenId/rotate`,
      {
        // The body is optional: none at all is the defaults.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          operationId: 'rotateServiceAccountToken',
          tags: TAGS,
          summary: "Rotate a service account's token (Admins only).",
          description:
            'As rotating your own token: a new token with the same description, scopes and audiences and a new secret, shown once; the old one keeps working for `overlapSeconds`. A token is rotated once: again is 409.',
          params: tokenParams,
          body: rotatePatSchema,
          response: {
            201: {
              description: 'The new token; the secret is in this answer only.',
              headers: {
                location: { type: 'string', description: 'Where the new token can be found.' },
              },
              $ref: 'patSchema#',
            },
            ...pickErrors(400, 401, 403, 404, 409, 415),
          },
        },
      },
      async (request, reply) => {
        const owner = { id: request.params.id, accountType: 'Service' as const };
        const { expiresAt, overlapSeconds } = request.body;
        const created = await pats.rotate(actorOf(request), owner, request.params.tokenId, {
          ...(expiresAt !== undefined && { expiresAt }),
          ...(overlapSeconds !== undefined && { overlapSeconds }),
        });
        reply.header('location', `/api/admin/service-account/${owner.id}/token/${created.id}`);
        return reply.code(201).send(created);
      },
    );

    allowRoute(app, BASE, ['GET', 'HEAD', 'POST']);
    allowRoute(app, `${BASE}/:id`, ['PUT', 'DELETE']);
    allowRoute(app, `${BASE}/:id/token`, ['GET', 'HEAD', 'POST']);
    allowRoute(app, `${BASE}/:id/token/:tokenId`, ['DELETE']);
    allowRoute(app, `${BASE}/:id/token/:tokenId/rotate`, ['POST']);
  };
}
