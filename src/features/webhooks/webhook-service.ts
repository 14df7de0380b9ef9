import type { Db } from '../../db/db.js';
import { BadDataError, NotFoundError } from '../../core/errors.js';
import type { AuditActor } from '../../core/actor.js';
import type { AuditLog } from '../events/audit.js';
import type { CredentialCheck } from '../users/credential-check.js';
import { privateTargetProblem } from './address-guard.js';
import type { Delivery, DeliveryStore } from './delivery-store.js';
import {
  newSigningSecret,
  normaliseEvents,
  unknownEventTypes,
  urlProblems,
  WEBHOOK_TEST_EVENT,
  type Webhook,
  webhookEventData,
} from './webhook.js';
import type { WebhookFields, WebhookStore } from './webhook-store.js';

export interface WebhookInput {
  url: string;
  events: string[];
  description?: string;
}

export interface WebhookServiceDeps {
  db: Db;
  webhooks: WebhookStore;
  deliveries: DeliveryStore;
  audit: AuditLog;
  credentials: CredentialCheck;
  allowPrivate: boolean;
  /** Wakes this instance's sender after a commit that queued a delivery. */
  wake: () => void;
}

function notFound(id: number): NotFoundError {
  return new NotFoundError(`Could not find a webhook with id ${id}.`);
}

/**
 * Webhook administration. Changes and their audit events commit together; since the audit
 * event is itself fanned out to the outbox, a `webhook-created` can be delivered to other
 * webhooks like any event.
 */
export class WebhookService {
  readonly #deps: WebhookServiceDeps;

  constructor(deps: WebhookServiceDeps) {
    this.#deps = deps;
  }

  list(): Promise<Webhook[]> {
    return this.#deps.webhooks.list();
  }

  async get(id: number): Promise<Webhook> {
    const webhook = await this.#deps.webhooks.find(id);
    if (!webhook) throw notFound(id);
    return webhook;
  }

  /** The secret is returned here and never again. */
  async create(
    actor: AuditActor,
    input: WebhookInput,
  ): Promise<{ webhook: Webhook; secret: string }> {
    const fields = await this.#checked(input);
    const secret = newSigningSecret();
    const { db, webhooks, audit, credentials } = this.#deps;
    const webhook = await db.transaction(async (tx) => {
      const created = await webhooks.insert(tx, fields, secret);
      await audit.record('webhook-created', actor, webhookEventData(created), tx);
      await credentials.assertLive(tx, actor);
      return created;
    });
    this.#deps.wake();
    return { webhook, secret };
  }

  /** Fields left out keep their value. */
  async update(actor: AuditActor, id: number, input: Partial<WebhookInput>): Promise<Webhook> {
    const current = await this.get(id);
    const fields = await this.#checked({
      url: input.url ?? current.url,
      events: input.events ?? current.events,
      description: input.description ?? current.description,
    });
    const { db, webhooks, audit, credentials } = this.#deps;
    const webhook = await db.transaction(async (tx) => {
      if (!(await webhooks.lock(tx, id))) throw notFound(id);
      const updated = await webhooks.update(tx, id, fields);
      if (!updated) throw notFound(id);
      await audit.record('webhook-updated', actor, webhookEventData(updated), tx);
      await credentials.assertLive(tx, actor);
      return updated;
    });
    this.#deps.wake();
    return webhook;
  }

  async delete(actor: AuditActor, id: number): Promise<void> {
    const { db, webhooks, audit, credentials } = this.#deps;
    await db.transaction(async (tx) => {
      const deleted = await webhooks.delete(tx, id);
      if (!deleted) throw notFound(id);
      await audit.record('webhook-deleted', actor, webhookEventData(deleted), tx);
      await credentials.assertLive(tx, actor);
    });
    this.#deps.wake();
  }

  async deliveries(id: number, limit: number): Promise<Delivery[]> {
    await this.get(id);
    return this.#deps.deliveries.recent(id, limit);
  }

  /**
   * Queues a `webhook-test` event for this webhook only, through the same outbox as every
   * event (it is in the audit log too). Returns the delivery's id.
   */
  async sendTest(actor: AuditActor, id: number): Promise<string> {
    const { db, webhooks, deliveries, audit, credentials } = this.#deps;
    const deliveryId = await db.transaction(async (tx) => {
      const webhook = await webhooks.lock(tx, id);
      if (!webhook) throw notFound(id);
      await audit.record(
        WEBHOOK_TEST_EVENT,
        actor,
        { webhookId: webhook.id, message: 'A test delivery sent from Unlatch.' },
        tx,
      );
      await credentials.assertLive(tx, actor);
      return deliveries.latestId(tx, webhook.id, WEBHOOK_TEST_EVENT);
    });
    if (deliveryId === undefined) throw new Error('the test event queued no delivery');
    this.#deps.wake();
    return deliveryId;
  }

  async #checked(input: WebhookInput): Promise<WebhookFields> {
    const url = input.url.trim();
    const details = urlProblems(url).map((message) => ({ path: '/body/url', message }));
    const unknown = unknownEventTypes(input.events);
    if (unknown.length > 0) {
      details.push({
        path: '/body/events',
        message: `Unknown event types: ${unknown.slice(0, 5).join(', ')}. Use the types of /api/admin/events, or "*" for all.`,
      });
    }
    if (input.events.length === 0) {
      details.push({ path: '/body/events', message: 'Subscribe to at least one event type.' });
    }
    if (details.length === 0 && !this.#deps.allowPrivate) {
      const problem = await privateTargetProblem(url);
      if (problem !== undefined) {
        details.push({
          path: '/body/url',
          message: `${problem} Webhooks to private addresses are switched off (WEBHOOK_ALLOW_PRIVATE=false).`,
        });
      }
    }
    if (details.length > 0)
      throw new BadDataError(details[0]?.message ?? 'Invalid webhook.', details);
    return {
      url,
      events: normaliseEvents(input.events),
      description: (input.description ?? '').trim(),
    };
  }
}
