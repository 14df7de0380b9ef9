// The token holder's two most frequent reads before the framework: who am I
// (`GET /api/admin/user`) and my tokens (`GET /api/admin/user/tokens`). With the token and
// the answer both in memory, Fastify's request cycle (routing, hooks, the reply object) was
// about half of such a request's cost (decision 19). A plain GET of exactly one of these paths,
// with a cached live token whose scopes allow the route, no cookie and no body, whose answer
// the route's own feature can give from memory, is answered here with the route's exact
// answer. Anything else (a session, a miss, a missing scope, an answer that needs the
// database, shutdown, debug logging, any other form of the URL) goes to Fastify untouched,
// where the route decides as always. Like the gateway's lane (decision 14), this lane can
// only give what the route would give; every refusal has one implementation, the route's.

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { holdsScope } from '../core/scopes.js';
import type { TokenAuthenticator, TokenIdentity } from './authenticate.js';
import { tokenFromAuthorization } from './authorization-header.js';
import type { Metrics } from './metrics.js';
import { announcesBody, JSON_CONTENT_TYPE } from './route-helpers.js';
import { DEFAULT_HEADERS } from './security-headers.js';

export interface ReadLaneRoute {
  /** The route's path exactly as clients send it: any other form (a query string, another
   * case, a trailing slash) takes the route. */
  path: string;
  /** The scope the route's resource needs for a read (spec/scopes.md). */
  scope: string;
  /** The route's JSON answer from memory alone, or undefined when the route must work it out. */
  body: (identity: TokenIdentity) => string | undefined;
}

export interface ReadLaneDeps {
  pats: TokenAuthenticator;
  metrics: Metrics;
  routes: readonly ReadLaneRoute[];
  /** False while shutting down or logging every request: the routes handle those. */
  open: () => boolean;
}

// The answer's headers in the order Fastify sends them (the first onRequest hook's security
// headers, then the content type, then the length), so both ways give the same bytes.
const ANSWER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...DEFAULT_HEADERS,
  'content-type': JSON_CONTENT_TYPE,
});

/** Returns a handler that answers and returns true, or returns false and touches nothing. */
export function createReadLane(deps: ReadLaneDeps) {
  const { pats, metrics, routes, open } = deps;

  return function readLane(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const route = routeOf(routes, req.url ?? '');
    if (route === undefined) return false;
    const headers = req.headers;
    const authorization = headers.authorization;
    // The session cookie wins over the token (decision 3): the route sorts that out.
    if (authorization === undefined || headers.cookie !== undefined) return false;
    if (announcesBody(req) || !open()) return false;
    const started = metrics.enabled ? performance.now() : 0;
    let body: string | undefined;
    const admits = (identity: TokenIdentity): boolean => {
      if (!holdsScope(identity.scopes, route.scope)) return false;
      body = route.body(identity);
      return body !== undefined;
    };
    // The peer's address: the lane stays off behind TRUST_PROXY (see open()), so this is the
    // address Fastify would give the route.
    const identity = pats.authenticateCached(
      tokenFromAuthorization(authorization),
      req.socket.remoteAddress ?? '',
      headers['user-agent'],
      admits,
    );
    if (identity === undefined || body === undefined) return false;
    const answer: OutgoingHttpHeaders = {
      ...ANSWER_HEADERS,
      'content-length': String(Buffer.byteLength(body)),
    };
    res.writeHead(200, answer);
    res.end(body);
    if (metrics.enabled) metrics.observeRoute(route.path, 'GET', 200, performance.now() - started);
    return true;
  };
}

/** The route whose path the URL is exactly. */
function routeOf(routes: readonly ReadLaneRoute[], url: string): ReadLaneRoute | undefined {
  for (const route of routes) if (route.path === url) return route;
  return undefined;
}
