// JSON Schemas for the PAT routes. They validate requests, fix the order of keys in
// responses (fast-json-stringify writes properties in schema order) and generate the
// OpenAPI document, under the component names Unleash's document uses.

const dateTimeExample = '2030-01-31T12:00:00.000Z';

const scopesProperty = {
  type: 'array',
  items: { type: 'string' },
  description:
    'What the token may do (Unlatch; not in Unleash): `*` (all its owner may do), `*:read`, `<resource>:read`, `<resource>:write`, `<resource>:*`, or a plain right such as `introspect`. At most 50. Left out: `["*"]`, or the scopes of the token making this one.',
  example: ['orders:read', 'tokens:write'],
} as const;

const audiencesProperty = {
  type: 'array',
  items: { type: 'string' },
  description:
    'The services the token is meant for (Unlatch; not in Unleash); empty or left out: any. At most 20 names of 1-64 of a-z, 0-9, `.`, `_`, `-`.',
  example: ['billing'],
} as const;

export const createPatSchema = {
  $id: 'createPatSchema',
  type: 'object',
  description:
    'What a client sends to create a personal access token (PAT) for the signed-in user.',
  required: ['description', 'expiresAt'],
  properties: {
    description: {
      type: 'string',
      description: "A label for the token, unique among the user's tokens; not blank.",
      example: 'CI deploy job',
    },
    expiresAt: {
      type: 'string',
      format: 'date-time',
      description:
        'When the token stops working: an RFC 3339 date-time in the future, with a time zone.',
      example: dateTimeExample,
    },
    scopes: scopesProperty,
    audiences: audiencesProperty,
  },
} as const;

export const patSchema = {
  $id: 'patSchema',
  type: 'object',
  description: 'A personal access token (PAT). It acts on the API as the user who owns it.',
  required: ['id', 'createdAt', 'description', 'expiresAt'],
  properties: {
    id: {
      type: 'integer',
      minimum: 1,
      description:
        "The token's id. Ids come from one sequence for all users: a newer token always has a higher id.",
      example: 1,
    },
    description: {
      type: 'string',
      description: 'The label given at creation.',
      example: 'CI deploy job',
    },
    expiresAt: {
      type: 'string',
      format: 'date-time',
      description: 'When the token stops working (UTC).',
      example: dateTimeExample,
    },
    userId: { type: 'integer', description: 'The id of the user who owns the token.', example: 7 },
    createdAt: {
      type: 'string',
      format: 'date-time',
      description: 'When the token was created (UTC).',
      example: '2030-01-01T12:00:00.000Z',
    },
    seenAt: {
      type: 'string',
      format: 'date-time',
      nullable: true,
      description: 'When the token last authenticated a request, or null if it never has.',
      example: '2030-01-02T08:30:00.000Z',
    },
    expiryWarning: {
      type: 'string',
      enum: ['expires-soon', 'expired'],
      description:
        'Present only when there is something to warn about: `expired` when the token no longer works, `expires-soon` when it is past half its life and within the configured lead time of its expiry.',
      example: 'expires-soon',
    },
    secret: {
      type: 'string',
      description:
        'The token itself, for the Authorization header. Returned once, in the answer to its creation, and never again: it is not stored.',
      example: 'user:v2_AAAAAAAAAAAAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
    },
    scopes: { ...scopesProperty, description: 'What the token may do. Fixed at creation.' },
    audiences: {
      ...audiencesProperty,
      description: 'The services the token is meant for; empty: any. Fixed at creation.',
    },
  },
} as const;

export const patsSchema = {
  $id: 'patsSchema',
  type: 'object',
  description: "The signed-in user's personal access tokens, oldest first.",
  properties: {
    pats: { type: 'array', description: 'The tokens.', items: { $ref: 'patSchema#' } },
  },
} as const;

export const patIdParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'integer', description: 'The id of one of your personal access tokens.' },
  },
} as const;

export const rotatePatSchema = {
  type: 'object',
  description:
    'How to rotate a token. Both fields are optional; an empty or missing body rotates with the defaults.',
  additionalProperties: false,
  properties: {
    expiresAt: {
      type: 'string',
      format: 'date-time',
      description:
        "When the new token stops working. Default: the old token's lifetime (expiry minus creation), from now.",
      example: dateTimeExample,
    },
    overlapSeconds: {
      type: 'integer',
      minimum: 0,
      maximum: 86_400,
      description:
        'How long the old token keeps working, 0 to 86,400 seconds. Default 0: it stops at once, on every instance.',
      example: 3600,
    },
  },
} as const;

export const tokenUsageSchema = {
  type: 'object',
  description: "A token's use: requests per UTC day for the last 90 days, and its last use.",
  properties: {
    days: {
      type: 'array',
      description: 'The last 90 UTC days, oldest first, each present (0 when unused).',
      items: {
        type: 'object',
        properties: {
          date: { type: 'string', format: 'date', example: '2030-01-31' },
          requests: { type: 'integer', minimum: 0, example: 12 },
        },
      },
    },
    lastSeenAt: { type: 'string', format: 'date-time', nullable: true },
    lastIp: { type: 'string', nullable: true, example: '203.0.113.7' },
    lastUserAgent: { type: 'string', nullable: true, example: 'curl/8.5.0' },
  },
} as const;
