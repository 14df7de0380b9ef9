import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../http/authenticate.js';
import { pickErrors } from '../../http/error-schemas.js';
import { allowRoute } from '../../http/route-helpers.js';
import type { EventStore } from './event-store.js';

interface EventsQuery {
  limit?: string;
  offset?: string;
}

function pageNumber(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || !/^\d{1,9}$/.test(raw)) return fallback;
  return Math.min(Number(raw), max);
}

export function eventRoutes(events: EventStore) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: EventsQuery }>(
      '/events',
      {
        schema: {
          operationId: 'getEvents',
          tags: ['Events'],
          summary: 'The audit log, newest first (Admins only).',
          querystring: {
            type: 'object',
            properties: {
              limit: {
                type: 'string',
                pattern: '^[0-9]{1,9}$',
                description: 'Events per page (1-1000, default 100).',
              },
              offset: {
                type: 'string',
                pattern: '^[0-9]{1,9}$',
                description: 'How many of the newest events to skip.',
              },
            },
          },
          response: pickErrors(400, 401, 403),
        },
      },
      async (request) => {
        requireAdmin(request);
        const limit = Math.max(1, pageNumber(request.query.limit, 100, 1000));
        const offset = pageNumber(request.query.offset, 0, 1_000_000_000);
        const page = await events.page(limit, offset);
        return { version: 1, events: page.events, totalEvents: page.total };
      },
    );
    allowRoute(app, '/events', ['GET', 'HEAD']);
  };
}
