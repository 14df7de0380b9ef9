// A webhook and the rules of its fields. Pure: no I/O (the address check at creation, which
// resolves names, is in address-guard.ts).

import { randomBytes } from 'node:crypto';

// Its own module, so that the web page can import the list without this file's Node imports.
import { WEBHOOK_EVENT_TYPES } from './webhook-event-types.js';

export { WEBHOOK_EVENT_TYPES };

export const ALL_EVENTS = '*';

/** Sent to one webhook only, by the "send test" action; never matched by `*`. */
export const WEBHOOK_TEST_EVENT = 'webhook-test';

export const MAX_URL_LENGTH = 2000;
export const MAX_DESCRIPTION_LENGTH = 500;

export interface Webhook {
  id: number;
  url: string;
  events: string[];
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What the API shows of a webhook: a whitelist, so the signing secret is never in it. */
export function toWebhookJson(webhook: Webhook) {
  return {
    id: webhook.id,
    url: webhook.url,
    events: webhook.events,
    description: webhook.description,
    createdAt: webhook.createdAt.toISOString(),
    updatedAt: webhook.updatedAt.toISOString(),
  };
}

/**
 * The audit record of a webhook. The URL's origin only: a receiver's URL often carries a
 * credential of its own in its path or query (chat services' incoming-webhook URLs are
 * bearer secrets), and events travel on to other webhooks. Never the signing secret.
 */
export function webhookEventData(webhook: Webhook) {
  return {
    id: webhook.id,
    urlOrigin: urlOrigin(webhook.url),
    events: webhook.events.join(','),
    description: webhook.description,
  };
}

export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid)';
  }
}

/** 32 random bytes: the HMAC-SHA256 key, shown to the Admin once. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Problems with a target URL, as messages; empty when it is acceptable. */
export function urlProblems(raw: string): string[] {
  if (raw.length > MAX_URL_LENGTH) return [`The URL must be at most ${MAX_URL_LENGTH} characters.`];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return ['The URL must be an absolute http:// or https:// URL.'];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return ['The URL must use http:// or https://.'];
  }
  if (url.hostname === '') return ['The URL must name a host.'];
  if (url.hash !== '') return ['The URL must not have a #fragment: it is never sent.'];
  return [];
}

/** Unknown names among `events`, and duplicates removed; `*` is accepted alone or with others. */
export function unknownEventTypes(events: readonly string[]): string[] {
  const known = new Set<string>([...WEBHOOK_EVENT_TYPES, ALL_EVENTS]);
  return events.filter((event) => !known.has(event));
}

export function normaliseEvents(events: readonly string[]): string[] {
  return events.includes(ALL_EVENTS) ? [ALL_EVENTS] : [...new Set(events)].sort();
}
