// JSON Schemas for the service-account routes, under the component names of Unleash's
// document (createServiceAccountSchema, serviceAccountSchema, ...), so that clients
// generated from it, and Unleash's Terraform provider, read and send the same shapes.

import { rootRoleSchema } from '../users/user-admin-routes.js';

export const createServiceAccountSchema = {
  $id: 'createServiceAccountSchema',
  type: 'object',
  description: 'A new service account: an identity for automation that has tokens, not a password.',
  required: ['rootRole'],
  properties: {
    username: {
      type: 'string',
      maxLength: 100,
      description:
        'Its unique name (required here: Unleash marks it optional but refuses an account without one).',
      example: 'ci-deployer',
    },
    name: {
      type: 'string',
      maxLength: 200,
      description: 'A display name.',
      example: 'CI deployer',
    },
    rootRole: { ...rootRoleSchema, description: 'Its root role, by id (1, 2, 3) or name.' },
  },
} as const;

export const updateServiceAccountSchema = {
  $id: 'updateServiceAccountSchema',
  type: 'object',
  description: "A service account's new name or root role; the username stays.",
  properties: {
    name: {
      type: 'string',
      maxLength: 200,
      description: 'A display name.',
      example: 'CI deployer',
    },
    rootRole: {
      ...rootRoleSchema,
      description: 'Its new root role; its tokens act with it from their next request.',
    },
  },
} as const;

export const serviceAccountSchema = {
  $id: 'serviceAccountSchema',
  type: 'object',
  description: 'A service account.',
  required: ['id'],
  properties: {
    id: { type: 'number', description: "The account's id.", example: 12 },
    name: { type: 'string', description: 'Its display name.', example: 'CI deployer' },
    username: { type: 'string', description: 'Its unique name.', example: 'ci-deployer' },
    imageUrl: { type: 'string', description: 'An avatar image.' },
    rootRole: { type: 'integer', description: 'Its root role id: 1 Admin, 2 Editor, 3 Viewer.' },
    seenAt: {
      type: 'string',
      format: 'date-time',
      nullable: true,
      description: "Always null, as in Unleash: its tokens' seenAt say when it was last used.",
    },
    createdAt: { type: 'string', format: 'date-time', description: 'When it was made.' },
    tokens: {
      type: 'array',
      description: 'Its tokens (in the list of service accounts).',
      items: { $ref: 'patSchema#' },
    },
  },
} as const;

export const serviceAccountsSchema = {
  $id: 'serviceAccountsSchema',
  type: 'object',
  description: 'Every live service account, oldest first, and the root roles they refer to.',
  required: ['serviceAccounts'],
  properties: {
    serviceAccounts: {
      type: 'array',
      description: 'The accounts, each with its tokens.',
      items: { $ref: 'serviceAccountSchema#' },
    },
    rootRoles: {
      type: 'array',
      description: 'The root roles, by id.',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          name: { type: 'string' },
          type: { type: 'string' },
        },
      },
    },
  },
} as const;

export const SERVICE_ACCOUNT_SCHEMAS = [
  createServiceAccountSchema,
  updateServiceAccountSchema,
  serviceAccountSchema,
  serviceAccountsSchema,
];
