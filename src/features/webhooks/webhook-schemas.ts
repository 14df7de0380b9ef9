// JSON Schemas of the webhook routes: they validate requests and document the answers.

import {
  ALL_EVENTS,
  MAX_DESCRIPTION_LENGTH,
  MAX_URL_LENGTH,
  WEBHOOK_EVENT_TYPES,
} from './webhook.js';

const dateTime = (description: string) =>
  ({
    type: 'string',
    format: 'date-time',
    description,
    example: '2030-01-31T12:00:00.000Z',
  }) as const;

export const webhookIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', description: "The webhook's id." } },
} as const;

const urlProperty = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_URL_LENGTH,
  description: 'Where deliveries are POSTed: an http:// or https:// URL.',
  example: 'https://hooks.example.com/unlatch',
} as const;

const eventsProperty = {
  type: 'array',
  minItems: 1,
  maxItems: 50,
  items: { type: 'string', maxLength: 100 },
  description: `The event types to deliver, or "${ALL_EVENTS}" for all: ${WEBHOOK_EVENT_TYPES.join(', ')}.`,
  example: ['pat-created', 'pat-deleted', 'pat-leaked'],
} as const;

const descriptionProperty = {
  type: 'string',
  maxLength: MAX_DESCRIPTION_LENGTH,
  description: 'A note for Admins: what receives it.',
  example: 'Security team chat',
} as const;

export const createWebhookBody = {
  type: 'object',
  required: ['url', 'events'],
  additionalProperties: false,
  properties: { url: urlProperty, events: eventsProperty, description: descriptionProperty },
} as const;

export const replaceWebhookBody = createWebhookBody;

export const patchWebhookBody = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { url: urlProperty, events: eventsProperty, description: descriptionProperty },
} as const;

export const webhookJsonSchema = {
  type: 'object',
  description: 'A webhook. Its signing secret is shown only in the answer to its creation.',
  properties: {
    id: { type: 'integer', description: "The webhook's id.", example: 1 },
    url: urlProperty,
    events: eventsProperty,
    description: descriptionProperty,
    createdAt: dateTime('When it was created (UTC).'),
    updatedAt: dateTime('When it was last changed (UTC).'),
  },
} as const;

export const createdWebhookSchema = {
  ...webhookJsonSchema,
  description:
    'The new webhook with its signing secret: the only time the secret is shown. Keep it to verify X-Unlatch-Signature.',
  properties: {
    ...webhookJsonSchema.properties,
    secret: {
      type: 'string',
      description: 'The HMAC-SHA256 key of X-Unlatch-Signature, as UTF-8 bytes.',
      example: 'whsec_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    },
  },
} as const;

export const deliveriesSchema = {
  type: 'object',
  description: 'Recent deliveries of a webhook, newest first.',
  properties: {
    deliveries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: {
            type: 'string',
            description: 'The delivery id: X-Unlatch-Delivery, the same on every retry.',
          },
          eventId: { type: 'integer', description: 'The event (as in /api/admin/events).' },
          eventType: { type: 'string', description: 'The event type.', example: 'pat-created' },
          status: {
            type: 'string',
            enum: ['pending', 'delivered', 'failed'],
            description: 'pending: not yet answered with a 2xx, and still being retried.',
          },
          attempts: { type: 'integer', description: 'Attempts made so far.' },
          nextAttemptAt: {
            type: ['string', 'null'],
            description: 'When a pending delivery is next tried; null once settled.',
          },
          lastStatus: {
            type: ['integer', 'null'],
            description: "The last attempt's HTTP status; null when there was no answer.",
          },
          lastError: {
            type: ['string', 'null'],
            description: 'Why the last attempt failed (timeout, connection error, status).',
          },
          createdAt: dateTime('When the event happened.'),
          deliveredAt: { type: ['string', 'null'], description: 'When a 2xx came back.' },
          attemptLog: {
            type: 'array',
            description: 'Every attempt: when, the status, the error and how long it took.',
            items: {
              type: 'object',
              properties: {
                at: { type: 'string' },
                status: { type: ['integer', 'null'] },
                error: { type: ['string', 'null'] },
                ms: { type: 'integer' },
              },
            },
          },
        },
      },
    },
  },
} as const;
