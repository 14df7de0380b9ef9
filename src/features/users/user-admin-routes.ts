import type { FastifyInstance } from 'fastify';
import {
  actorOf,
  requireAdmin,
  requireSessionForOwnPassword,
  takePasswordChange,
} from '../../http/authenticate.js';
import { pickErrors } from '../../http/error-schemas.js';
import type { FixedWindowLimiter } from '../../core/rate-limiter.js';
import { allowRoute, requireJsonContentType } from '../../http/route-helpers.js';
import { MAX_PASSWORD_LENGTH } from './password-policy.js';
import { ROLE_IDS, ROOT_ROLES, type RootRole, roleFromId } from '../../core/user.js';
import { toPublicUser } from './public-user.js';
import type { UserService } from './user-service.js';

const TAGS = ['Users'];
const BASE = '/user-admin';

// Unleash takes the role by name or by id.
export const rootRoleSchema = {
  description: 'The root role: "Admin", "Editor" or "Viewer", or its id (1, 2 or 3).',
  anyOf: [
    { type: 'string', enum: [...ROOT_ROLES] },
    { type: 'integer', enum: Object.values(ROLE_IDS) },
  ],
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', description: "The user's id." } },
} as const;

interface CreateBody {
  username?: string;
  email?: string;
  name?: string;
  password?: string;
  rootRole: RootRole | number;
}

interface UpdateBody {
  name?: string;
  email?: string;
  rootRole?: RootRole | number;
}

export function toRole(value: RootRole | number): RootRole {
  return typeof value === 'number' ? (roleFromId(value) as RootRole) : value;
}

export function userAdminRoutes(users: UserService, passwordChanges: FixedWindowLimiter) {
  return async function register(app: FastifyInstance): Promise<void> {
    // Every route here is for Admins; checked before validation so others learn nothing.
    app.addHook('preValidation', async (request) => {
      if (request.method !== 'OPTIONS') requireAdmin(request);
    });

    app.get(
      BASE,
      {
        schema: {
          operationId: 'getUsers',
          tags: TAGS,
          summary: 'List users (Admins only).',
          response: pickErrors(401, 403),
        },
      },
      async () => {
        const list = await users.list();
        return {
          users: list.map(toPublicUser),
          rootRoles: ROOT_ROLES.map((name) => ({ id: ROLE_IDS[name], name, type: 'root' })),
        };
      },
    );

    app.post<{ Body: CreateBody }>(
      BASE,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'createUser',
          tags: TAGS,
          summary: 'Create a user (Admins only).',
          body: {
            type: 'object',
            required: ['rootRole'],
            properties: {
              username: {
                type: 'string',
                maxLength: 100,
                description: 'Log-in name; a username, an email or both.',
              },
              email: {
                type: 'string',
                format: 'email',
                maxLength: 254,
                description: 'Email, also usable to log in.',
              },
              name: { type: 'string', maxLength: 200, description: 'Display name.' },
              password: {
                type: 'string',
                maxLength: MAX_PASSWORD_LENGTH * 4,
                description: 'Initial password; must meet the password policy.',
              },
              rootRole: rootRoleSchema,
            },
          },
          response: pickErrors(400, 401, 403, 409, 415),
        },
      },
      async (request, reply) => {
        const body = request.body;
        const user = await users.create(actorOf(request), {
          ...(body.username !== undefined && { username: body.username }),
          ...(body.email !== undefined && { email: body.email }),
          ...(body.name !== undefined && { name: body.name }),
          ...(body.password !== undefined && { password: body.password }),
          rootRole: toRole(body.rootRole),
        });
        reply.header('location', `/api/admin/user-admin/${user.id}`);
        return reply.code(201).send(toPublicUser(user));
      },
    );

    app.get<{ Params: { id: number } }>(
      `${BASE}/:id`,
      {
        schema: {
          operationId: 'getUser',
          tags: TAGS,
          summary: 'One user (Admins only).',
          params: idParams,
          response: pickErrors(400, 401, 403, 404),
        },
      },
      async (request) => {
        return toPublicUser(await users.get(request.params.id));
      },
    );

    app.put<{ Params: { id: number }; Body: UpdateBody }>(
      `${BASE}/:id`,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'updateUser',
          tags: TAGS,
          summary:
            "Change a user's name, email or root role (Admins only). A new role applies from the user's next request.",
          params: idParams,
          body: {
            type: 'object',
            properties: {
              name: { type: 'string', maxLength: 200, description: 'Display name.' },
              email: { type: 'string', format: 'email', maxLength: 254, description: 'Email.' },
              rootRole: rootRoleSchema,
            },
          },
          response: pickErrors(400, 401, 403, 404, 409, 415),
        },
      },
      async (request) => {
        const body = request.body;
        const user = await users.update(actorOf(request), request.params.id, {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.email !== undefined && { email: body.email }),
          ...(body.rootRole !== undefined && { rootRole: toRole(body.rootRole) }),
        });
        return toPublicUser(user);
      },
    );

    app.delete<{ Params: { id: number } }>(
      `${BASE}/:id`,
      {
        schema: {
          operationId: 'deleteUser',
          tags: TAGS,
          summary: 'Delete a user (Admins only): their sessions and tokens stop working at once.',
          params: idParams,
          response: pickErrors(400, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await users.delete(actorOf(request), request.params.id);
        return reply.code(200).send();
      },
    );

    app.post<{ Params: { id: number }; Body: { password: string } }>(
      `${BASE}/:id/change-password`,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'changeUserPassword',
          tags: TAGS,
          summary:
            "Set a user's password (Admins only; your own needs a signed-in session). Ends all their sessions and deletes their tokens.",
          params: idParams,
          body: {
            type: 'object',
            required: ['password'],
            properties: {
              password: {
                type: 'string',
                maxLength: MAX_PASSWORD_LENGTH * 4,
                description: 'The new password.',
              },
            },
          },
          response: pickErrors(400, 401, 403, 404, 415, 429, 503),
        },
      },
      async (request, reply) => {
        requireSessionForOwnPassword(request, request.params.id);
        takePasswordChange(request, passwordChanges);
        await users.changePassword(actorOf(request), request.params.id, request.body.password);
        return reply.code(200).send();
      },
    );

    allowRoute(app, BASE, ['GET', 'HEAD', 'POST']);
    allowRoute(app, `${BASE}/:id`, ['GET', 'HEAD', 'PUT', 'DELETE']);
    allowRoute(app, `${BASE}/:id/change-password`, ['POST']);
  };
}
