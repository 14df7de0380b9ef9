// Prometheus metrics (prom-client), served at Unleash's path /internal-backstage/prometheus.
//
// Labels are closed sets chosen here (route templates, methods, statuses, outcomes), never
// anything a request carries: no token, selector, username or email can become a label, and
// a client cannot grow the number of series by sending new URLs.
//
// The hot path pays one histogram observe and, for a token, one counter increment, both
// on plain numbers (see request-durations.ts and the collect() functions below): a request
// allocates nothing here once its series exists.

import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Db } from '../db/db.js';
import { AuthenticationRequired, UnauthorizedError } from '../core/errors.js';
import { RequestDurations } from './request-durations.js';

export const METRICS_PATH = '/internal-backstage/prometheus';

export const AUTH_OUTCOMES = ['cache_hit', 'db_hit', 'unknown', 'expired', 'rate_limited'] as const;
export type AuthOutcome = (typeof AUTH_OUTCOMES)[number];

/** `abandoned`: the client left while the login waited its turn; its password was not checked. */
export const LOGIN_OUTCOMES = ['success', 'failure', 'rate_limited', 'abandoned'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];

/** What became of a webhook delivery attempt: a 2xx, a failure to retry, or the last failure. */
export const WEBHOOK_OUTCOMES = ['delivered', 'retry', 'failed'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** What the bounded password-hashing queue (issue 9) reports; wired at merge. */
export interface HashingStats {
  inFlight: number;
  queued: number;
}

/** Where the gauges read their values at scrape time (cheap reads, no I/O). */
export interface MetricSources {
  credentialCacheEntries: () => number;
  db: Pick<Db, 'kind' | 'poolStats'>;
}

/** Requests that match no route share one label value, so unknown URLs add no series. */
const UNMATCHED_ROUTE = '(unmatched)';

// Seconds. Most answers take well under a millisecond to a few; a login takes ~0.4 s of
// scrypt by design, and a request stuck behind an unreachable database up to its timeouts.
const DURATION_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10,
];

/** The interface the rest of the server sees; NO_METRICS when METRICS_ENABLED=false. */
export interface Metrics {
  readonly enabled: boolean;
  observeRequest(request: FastifyRequest, reply: FastifyReply, elapsedMs: number): void;
  /** The same, for an answer made before the framework (the gateway's fast lane). */
  observeRoute(route: string, method: string, status: number, elapsedMs: number): void;
  authOutcome(outcome: AuthOutcome): void;
  loginOutcome(outcome: LoginOutcome): void;
  setListenConnected(connected: boolean): void;
  /** Feeds the password-hashing gauges; until called they report no samples. */
  setHashingSource(source: () => HashingStats): void;
  webhookOutcome(outcome: WebhookOutcome): void;
  /** The outbox's pending deliveries as last counted by this instance (undefined: not yet). */
  setWebhookPendingSource(source: () => number | undefined): void;
  /** The text exposition of this app's metrics and the process's default metrics. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export const NO_METRICS: Metrics = Object.freeze({
  enabled: false,
  observeRequest() {},
  observeRoute() {},
  authOutcome() {},
  loginOutcome() {},
  setListenConnected() {},
  setHashingSource() {},
  webhookOutcome() {},
  setWebhookPendingSource() {},
  async scrape(): Promise<{ contentType: string; body: string }> {
    throw new Error('metrics are disabled');
  },
});

// Default process metrics (CPU, memory, event loop lag, GC, handles) describe the process,
// not an app: one registry per process, whatever number of apps tests build in it. Each
// collectDefaultMetrics call starts its own event-loop and GC observers, hence once.
let processRegistry: Registry | undefined;
function defaultProcessRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  const durations = new RequestDurations(
    'http_request_duration_seconds',
    'Time to answer a request, by route template, method and status.',
    DURATION_BUCKETS,
  );

  // Counted in plain numbers on the hot path and handed to prom-client at scrape time
  // (collect): its inc() re-validates and re-hashes the labels on every call (~1 µs).
  const authCounts = zeroCounts(AUTH_OUTCOMES);
  new Counter({
    name: 'unlatch_token_authentications_total',
    help: 'Personal access token authentications by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const outcome of AUTH_OUTCOMES) {
        this.inc({ outcome }, authCounts[outcome]);
        authCounts[outcome] = 0;
      }
    },
  });
  const loginCounts = zeroCounts(LOGIN_OUTCOMES);
  new Counter({
    name: 'unlatch_login_attempts_total',
    help: 'Password log-in attempts by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const outcome of LOGIN_OUTCOMES) {
        this.inc({ outcome }, loginCounts[outcome]);
        loginCounts[outcome] = 0;
      }
    },
  });

  new Gauge({
    name: 'unlatch_credential_cache_entries',
    help: 'Token credentials held in this instance’s cache.',
    registers: [registry],
    collect() {
      this.set(sources.credentialCacheEntries());
    },
  });
  let listenConnected = 0;
  new Gauge({
    name: 'unlatch_listen_connected',
    help: '1 while the revocation notifications connection (LISTEN) is up, else 0.',
    registers: [registry],
    collect() {
      this.set(listenConnected);
    },
  });
  let hashing: (() => HashingStats) | undefined;
  new Gauge({
    name: 'unlatch_password_hashes',
    help: 'Password hashes being computed (in_flight) and waiting for a slot (queued).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (hashing === undefined) return;
      const stats = hashing();
      this.set({ state: 'in_flight' }, stats.inFlight);
      this.set({ state: 'queued' }, stats.queued);
    },
  });
  const webhookCounts = zeroCounts(WEBHOOK_OUTCOMES);
  new Counter({
    name: 'unlatch_webhook_deliveries_total',
    help: 'Webhook delivery attempts by this instance, by outcome (delivered, retry, failed).',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      for (const outcome of WEBHOOK_OUTCOMES) {
        this.inc({ outcome }, webhookCounts[outcome]);
        webhookCounts[outcome] = 0;
      }
    },
  });
  let webhookPending: (() => number | undefined) | undefined;
  new Gauge({
    name: 'unlatch_webhook_deliveries_pending',
    help: 'Webhook deliveries in the outbox not yet delivered or failed (counted every few seconds).',
    registers: [registry],
    collect() {
      const pending = webhookPending?.();
      if (pending !== undefined) this.set(pending);
    },
  });
  // PGlite is one in-process connection, not a pool: it reports no pool gauges.
  if (sources.db.poolStats !== undefined) {
    const poolStats = sources.db.poolStats.bind(sources.db);
    new Gauge({
      name: 'unlatch_db_pool_connections',
      help: 'PostgreSQL pool connections in use, idle, and requests waiting for one.',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const stats = poolStats();
        this.set({ state: 'in_use' }, stats.total - stats.idle);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }

  return {
    enabled: true,
    observeRequest(request, reply, elapsedMs) {
      // routeOptions.url is the template (/api/admin/user-admin/:id), never the raw URL.
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      durations.observe(route, request.method, reply.statusCode, elapsedMs / 1000);
    },
    observeRoute(route, method, status, elapsedMs) {
      durations.observe(route, method, status, elapsedMs / 1000);
    },
    authOutcome(outcome) {
      authCounts[outcome]++;
    },
    loginOutcome(outcome) {
      loginCounts[outcome]++;
    },
    setListenConnected(connected) {
      listenConnected = connected ? 1 : 0;
    },
    setHashingSource(source) {
      hashing = source;
    },
    webhookOutcome(outcome) {
      webhookCounts[outcome]++;
    },
    setWebhookPendingSource(source) {
      webhookPending = source;
    },
    async scrape() {
      const [own, process] = await Promise.all([
        registry.metrics(),
        defaultProcessRegistry().metrics(),
      ]);
      return {
        contentType: registry.contentType,
        body: `${durations.expose()}\n${own}\n${process}`,
      };
    },
  };
}

function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  const counts = {} as Record<K, number>;
  for (const key of keys) counts[key] = 0;
  return counts;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /internal-backstage/prometheus. Open like Unleash's unless METRICS_TOKEN is set; then
 * it needs `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time (digests of
 * equal length, so the comparison does not leak the token's length either).
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: Metrics,
  metricsToken: string | undefined,
): void {
  const expected = metricsToken === undefined ? undefined : digest(metricsToken);
  app.get(METRICS_PATH, { schema: { hide: true } }, async (request, reply) => {
    if (expected !== undefined) {
      const header = request.headers.authorization;
      if (header === undefined || header.trim() === '') throw new AuthenticationRequired();
      const presented = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), expected)) throw new UnauthorizedError();
    }
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
}
