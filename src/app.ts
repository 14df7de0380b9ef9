import { createServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { createServices, type Services } from './composition.js';
import type { Config } from './config.js';
import type { Db } from './db/db.js';
import { authzRoutes } from './features/authz/authz-routes.js';
import { createAuthzFastLane } from './features/authz/fast-lane.js';
import { cachedPatsBody } from './features/pats/pat-list-body.js';
import { meBody } from './features/users/me-body.js';
import { AskMemo } from './features/authz/scope-check.js';
import { introspectionRoutes } from './features/authz/introspection-routes.js';
import { rewriteExtAuthz } from './features/authz/original-request.js';
import { eventRoutes } from './features/events/event-routes.js';
import { inventoryRoutes } from './features/pats/inventory-routes.js';
import { leakRoutes } from './features/pats/leak-routes.js';
import { patRoutes } from './features/pats/pat-routes.js';
import { createPatSchema, patSchema, patsSchema } from './features/pats/pat-schemas.js';
import { SERVICE_ACCOUNT_SCHEMAS } from './features/service-accounts/service-account-schemas.js';
import { serviceAccountRoutes } from './features/service-accounts/service-account-routes.js';
import { loginRoutes } from './features/sessions/login-routes.js';
import { uiConfigRoutes } from './features/ui/ui-config-routes.js';
import { userAdminRoutes } from './features/users/user-admin-routes.js';
import { userRoutes } from './features/users/user-routes.js';
import { webhookRoutes } from './features/webhooks/webhook-routes.js';
import { createAuthenticate, createAuthenticateHook, onResource } from './http/authenticate.js';
import { createReadLane } from './http/read-lane.js';
import { createClientErrorHandler } from './http/client-errors.js';
import { createFrameworkErrorHandler, registerErrorHandling } from './http/error-handler.js';
import { ServiceUnavailableError } from './core/errors.js';
import { registerMetricsRoute } from './http/metrics.js';
import { DEFAULT_HEADERS } from './http/security-headers.js';
import { registerOpenApi } from './http/openapi.js';
import { createBodyAjv, validatorCompiler } from './http/validation.js';
import { ignoreBodyOfBodilessMethods } from './http/route-helpers.js';
import { registerWebUi } from './http/web-ui.js';

export const VERSION = '0.1.0';
const SHARED_SCHEMAS = [createPatSchema, patSchema, patsSchema, ...SERVICE_ACCOUNT_SCHEMAS];
const SLOW_REQUEST_MS = 1000;

export interface AppOptions {
  config: Config;
  db: Db;
  logger: FastifyBaseLogger;
}

export interface BuiltApp {
  app: FastifyInstance;
  services: Services;
}

/** Builds the server without listening: tests and main.ts use exactly this. */
export async function buildApp({ config, db, logger }: AppOptions): Promise<BuiltApp> {
  // The services come first: what the server object needs at construction (the gateway's
  // fast lane, the authentication of the router's own errors) is made from them.
  const services = createServices(config, db, logger);
  const metrics = services.metrics;
  const authenticate = createAuthenticate(services.sessions, services.patAuthenticator);
  const authenticateHook = createAuthenticateHook(authenticate, services.patAuthenticator);
  let closing = false;
  const logEveryRequest = logger.level === 'debug' || logger.level === 'trace';
  const asks = new AskMemo();
  // Behind TRUST_PROXY the client's address needs Fastify's proxy rules: the routes then.
  const lanesOpen = () => !closing && !logEveryRequest && config.trustProxy === false;
  // The fast lanes see each request before Fastify: the gateway's
  // (features/authz/fast-lane.ts, decision 14) and the token holder's two most frequent reads
  // (http/read-lane.ts, decision 19). The paths and scopes are the routes' below.
  const fastLane = createAuthzFastLane({
    pats: services.patAuthenticator,
    asks,
    metrics,
    open: lanesOpen,
  });
  const readLane = createReadLane({
    pats: services.patAuthenticator,
    metrics,
    open: lanesOpen,
    routes: [
      { path: '/api/admin/user', scope: 'users:read', body: ({ user }) => meBody(user) },
      {
        path: '/api/admin/user/tokens',
        scope: 'tokens:read',
        body: ({ user }) => cachedPatsBody(services.patService, user.id),
      },
    ],
  });
  const connectionTimeoutMs = 60_000;
  const keepAliveTimeoutMs = 10_000;
  const app = Fastify({
    loggerInstance: logger,
    // Per-request info logs cost a third of the throughput; see onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request: Fastify would make one for every request (~5% of a token
    // request's CPU) though almost none of them logs. The lines that do (a failure, a slow
    // request, the gateway's debug trace) carry the request's id themselves.
    childLoggerFactory: (parent) => parent,
    bodyLimit: 100 * 1024,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 500 },
    // Requests that arrive while closing get a 503 in the error shape (see below), not
    // Fastify's own body.
    return503OnClosing: false,
    trustProxy: config.trustProxy,
    // Slow clients: the whole request (headers and a body of at most 100 kB) within
    // REQUEST_TIMEOUT_MS (15 s), its headers within HEADERS_TIMEOUT_MS (10 s).
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Our own node:http server, so that the fast lane runs first; it gets the settings
    // Fastify gives the servers it makes itself.
    serverFactory: (handler) => {
      const server = createServer(
        {
          // Node checks the request and headers timeouts only every
          // connectionsCheckingInterval (30 s by default), so a slow client could hold a
          // socket for 45 s instead of 15.
          connectionsCheckingInterval: Math.max(50, Math.min(1000, config.headersTimeoutMs / 4)),
        },
        (req, res) => {
          try {
            if (fastLane(req, res) || readLane(req, res)) return;
          } catch (error) {
            // A lane runs before Fastify, whose error handling would turn a throw into a 500:
            // here it would be an uncaught exception. Nothing sent yet: the route answers.
            logger.error({ err: error, url: req.url }, 'fast lane failed; the route answers');
            if (res.headersSent) {
              res.destroy();
              return;
            }
          }
          handler(req, res);
        },
      );
      server.keepAliveTimeout = keepAliveTimeoutMs;
      server.requestTimeout = config.requestTimeoutMs;
      server.setTimeout(connectionTimeoutMs);
      return server;
    },
    clientErrorHandler: createClientErrorHandler(logger),
    // Envoy's ext_authz appends the original path to /api/authz/ext-authz: route all of them
    // to one handler without parsing that path (features/authz/original-request.ts).
    rewriteUrl: (request) => rewriteExtAuthz(request.url ?? '/'),
    frameworkErrors: createFrameworkErrorHandler(authenticate),
  });
  app.server.headersTimeout = config.headersTimeoutMs;

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  app.setValidatorCompiler(validatorCompiler(createBodyAjv(SHARED_SCHEMAS)));
  // Response schemas document; they do not serialise. fast-json-stringify would put required
  // keys first, and clients of Unleash see keys in Unleash's order, which the services'
  // whitelisting mappers (toPatJson, toPublicUser) build explicitly.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // JSON only: Fastify would otherwise parse text/plain bodies too.
  app.removeContentTypeParser('text/plain');
  registerErrorHandling(app, authenticate);
  app.addHook('preClose', async () => {
    closing = true;
  });
  // One synchronous hook for what every request needs first: a hook costs a turn of Fastify's
  // hook runner, and a promise per request is measurable.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(DEFAULT_HEADERS);
    ignoreBodyOfBodilessMethods(request);
    if (!closing) return done();
    // A request on a connection opened before the shutdown: refuse it, and the connection,
    // so that the client retries elsewhere; the ones already being served run to the end.
    reply.header('connection', 'close');
    done(new ServiceUnavailableError('This server is shutting down. Try again in a moment.'));
  });
  app.decorateRequest('principal', undefined);

  // Ordinary requests are logged at debug (per-request info logging costs a third of the
  // throughput); failures and slow requests at info.
  app.addHook('onResponse', (request, reply, done) => {
    const ms = reply.elapsedTime;
    // In this hook rather than one of its own: a hook per request is measurable.
    if (metrics.enabled) metrics.observeRequest(request, reply, ms);
    const notable = reply.statusCode >= 500 || ms > SLOW_REQUEST_MS;
    if (notable || logEveryRequest) {
      const entry = {
        reqId: request.id,
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(ms),
      };
      if (notable) request.log.info(entry, 'request');
      else request.log.debug(entry, 'request');
    }
    done();
  });
  // The work that talks to the database starts when the app is made ready (listen, inject
  // or ready()), not here: building it asks nothing of the database, so a server can build
  // the app while the embedded database is still opening and migrating (server.ts).
  let stopListening: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    // Other instances' revocations. While the connection that brings them is down, the
    // credential cache is bypassed, so a missed notification can never keep a token alive.
    stopListening = await services.revocations.listen(db, (connected) => {
      services.credentialCache.setEnabled(connected);
      services.patLists.setEnabled(connected);
      metrics.setListenConnected(connected);
      app.log.warn({ connected }, 'revocation notifications connection changed');
    });
    metrics.setListenConnected(true);
    services.seenAt.start();
    services.housekeeping.start();
    services.plannerStatistics?.start();
    services.expiryNotices.start();
    await services.webhookSender.start();
  });
  app.addHook('onClose', async () => {
    await stopListening?.();
    // Told to stop together: each ends at its next step, and none runs on while another is awaited.
    await Promise.all([
      services.housekeeping.stop(),
      services.plannerStatistics?.stop(),
      services.expiryNotices.stop(),
    ]);
    await services.webhookSender.stop();
    await services.seenAt.stop();
    await services.unacknowledgedPats.stop();
  });

  await registerOpenApi(app, VERSION);
  app.get('/health', { schema: { hide: true } }, async () => ({ health: 'GOOD' }));
  await app.register(
    loginRoutes(services.login, services.sessions, services.loginAttempts, metrics),
  );
  await app.register(leakRoutes(services.leakedTokens, services.leakReports));
  if (metrics.enabled) registerMetricsRoute(app, metrics, config.metricsToken);
  await registerWebUi(app);

  // Everything under /api/admin needs credentials. Routes get them from this scope's hook;
  // unknown paths and methods there are checked by the not-found handler, so a stranger gets
  // 401 and only a signed-in user learns what does not exist.
  await app.register(
    async (admin) => {
      admin.addHook('onRequest', authenticateHook);
      // Each part of the API is a resource that a token's scopes name (spec/scopes.md).
      await admin.register(
        onResource('users', userRoutes(services.userService, services.passwordChanges)),
      );
      await admin.register(
        onResource('users', userAdminRoutes(services.userService, services.passwordChanges)),
      );
      await admin.register(
        onResource('tokens', patRoutes(services.patService, services.tokenInventory)),
      );
      // The Admins' inventory of every token is about tokens too (and Admins only).
      await admin.register(onResource('tokens', inventoryRoutes(services.tokenInventory)));
      await admin.register(
        onResource(
          'service-accounts',
          serviceAccountRoutes(services.serviceAccounts, services.patService),
        ),
      );
      await admin.register(onResource('events', eventRoutes(services.eventStore)));
      await admin.register(onResource('webhooks', webhookRoutes(services.webhookService)));
      // What the web page needs to draw itself: any token may read it.
      await admin.register(onResource(null, uiConfigRoutes(config)));
    },
    { prefix: '/api/admin' },
  );

  // The gateway endpoints take tokens only (no session cookie) and check them themselves.
  await app.register(authzRoutes(services.patAuthenticator, asks), { prefix: '/api/authz' });
  await app.register(introspectionRoutes(services.patAuthenticator, services.introspection));

  return { app, services };
}
