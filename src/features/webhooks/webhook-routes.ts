import type { FastifyInstance } from 'fastify';
import { actorOf, requireAdmin } from '../../http/authenticate.js';
import { pickErrors } from '../../http/error-schemas.js';
import { allowRoute, requireJsonContentType } from '../../http/route-helpers.js';
import { toWebhookJson } from './webhook.js';
import {
  createdWebhookSchema,
  createWebhookBody,
  deliveriesSchema,
  patchWebhookBody,
  replaceWebhookBody,
  webhookIdParams,
  webhookJsonSchema,
} from './webhook-schemas.js';
import type { WebhookInput, WebhookService } from './webhook-service.js';

const TAGS = ['Webhooks'];
const BASE = '/webhooks';
const DEFAULT_DELIVERIES = 50;
const MAX_DELIVERIES = 200;

type IdParams = { Params: { id: number } };

/** PUT replaces (a description left out is cleared); PATCH keeps what is left out. */
function updateInput(body: Partial<WebhookInput>, replace: boolean): Partial<WebhookInput> {
  return {
    ...(body.url !== undefined && { url: body.url }),
    ...(body.events !== undefined && { events: body.events }),
    ...(body.description !== undefined
      ? { description: body.description }
      : replace && { description: '' }),
  };
}

export function webhookRoutes(service: WebhookService) {
  return async function register(app: FastifyInstance): Promise<void> {
    // Every route here is for Admins; checked before validation so others learn nothing.
    app.addHook('preValidation', async (request) => {
      if (request.method !== 'OPTIONS') requireAdmin(request);
    });

    app.get(
      BASE,
      {
        schema: {
          operationId: 'getWebhooks',
          tags: TAGS,
          summary: 'List webhooks (Admins only). Signing secrets are never included.',
          response: {
            200: {
              description: 'The webhooks.',
              type: 'object',
              properties: { webhooks: { type: 'array', items: webhookJsonSchema } },
            },
            ...pickErrors(401, 403),
          },
        },
      },
      async () => {
        return { webhooks: (await service.list()).map(toWebhookJson) };
      },
    );

    app.post<{ Body: WebhookInput }>(
      BASE,
      {
        preValidation: requireJsonContentType,
        schema: {
          operationId: 'createWebhook',
          tags: TAGS,
          summary:
            'Create a webhook (Admins only). The answer holds its signing secret, shown this once.',
          body: createWebhookBody,
          response: {
            201: { ...createdWebhookSchema, description: 'Created.' },
            ...pickErrors(400, 401, 403, 413, 415),
          },
        },
      },
      async (request, reply) => {
        const { webhook, secret } = await service.create(actorOf(request), request.body);
        reply.header('location', `/api/admin${BASE}/${webhook.id}`);
        return reply.code(201).send({ ...toWebhookJson(webhook), secret });
      },
    );

    app.get<IdParams>(
      `${BASE}/:id`,
      {
        schema: {
          operationId: 'getWebhook',
          tags: TAGS,
          summary: 'One webhook (Admins only).',
          params: webhookIdParams,
          response: {
            200: { ...webhookJsonSchema, description: 'The webhook.' },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        return toWebhookJson(await service.get(request.params.id));
      },
    );

    const update = (replace: boolean) =>
      ({
        preValidation: requireJsonContentType,
        schema: {
          operationId: replace ? 'updateWebhook' : 'patchWebhook',
          tags: TAGS,
          summary: replace
            ? "Replace a webhook's URL, events and description (Admins only). The secret stays."
            : 'Change some of the fields of a webhook (Admins only). The secret stays.',
          params: webhookIdParams,
          body: replace ? replaceWebhookBody : patchWebhookBody,
          response: {
            200: { ...webhookJsonSchema, description: 'The webhook as it is now.' },
            ...pickErrors(400, 401, 403, 404, 413, 415),
          },
        },
      }) as const;
    app.put<IdParams & { Body: WebhookInput }>(`${BASE}/:id`, update(true), async (request) => {
      const changed = await service.update(
        actorOf(request),
        request.params.id,
        updateInput(request.body, true),
      );
      return toWebhookJson(changed);
    });
    app.patch<IdParams & { Body: Partial<WebhookInput> }>(
      `${BASE}/:id`,
      update(false),
      async (request) => {
        const changed = await service.update(
          actorOf(request),
          request.params.id,
          updateInput(request.body, false),
        );
        return toWebhookJson(changed);
      },
    );

    app.delete<IdParams>(
      `${BASE}/:id`,
      {
        schema: {
          operationId: 'deleteWebhook',
          tags: TAGS,
          summary: 'Delete a webhook and its queued deliveries (Admins only).',
          params: webhookIdParams,
          response: pickErrors(400, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await service.delete(actorOf(request), request.params.id);
        return reply.code(200).send();
      },
    );

    app.get<IdParams & { Querystring: { limit?: string } }>(
      `${BASE}/:id/deliveries`,
      {
        schema: {
          operationId: 'getWebhookDeliveries',
          tags: TAGS,
          summary:
            'Recent deliveries of a webhook with their attempts, statuses and errors (Admins only).',
          params: webhookIdParams,
          querystring: {
            type: 'object',
            properties: {
              limit: {
                type: 'string',
                pattern: '^[0-9]{1,4}$',
                description: `How many (1-${MAX_DELIVERIES}, default ${DEFAULT_DELIVERIES}).`,
              },
            },
          },
          response: {
            200: { ...deliveriesSchema, description: 'The deliveries.' },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        const raw = request.query.limit;
        const limit = Math.min(
          MAX_DELIVERIES,
          Math.max(1, raw === undefined ? DEFAULT_DELIVERIES : Number(raw)),
        );
        return { deliveries: await service.deliveries(request.params.id, limit) };
      },
    );

    app.post<IdParams>(
      `${BASE}/:id/test`,
      {
        schema: {
          operationId: 'testWebhook',
          tags: TAGS,
          summary:
            'Queue a webhook-test event for this webhook only, through the same outbox as real events (Admins only).',
          params: webhookIdParams,
          response: {
            202: {
              description: 'Queued; see its delivery in the deliveries list.',
              type: 'object',
              properties: {
                deliveryId: {
                  type: 'string',
                  description: 'The X-Unlatch-Delivery it is sent with.',
                },
              },
            },
            ...pickErrors(400, 401, 403, 404),
          },
        },
      },
      async (request, reply) => {
        const deliveryId = await service.sendTest(actorOf(request), request.params.id);
        return reply.code(202).send({ deliveryId });
      },
    );

    allowRoute(app, BASE, ['GET', 'HEAD', 'POST']);
    allowRoute(app, `${BASE}/:id`, ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);
    allowRoute(app, `${BASE}/:id/deliveries`, ['GET', 'HEAD']);
    allowRoute(app, `${BASE}/:id/test`, ['POST']);
  };
}
