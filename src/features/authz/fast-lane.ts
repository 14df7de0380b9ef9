// The gateway's hot path before the framework: a proxy asks about every request it passes,
// almost always with a token that is cached, live and allowed. Such a GET to auth-request or
// forward-auth is answered here, straight on node:http, with exactly the answer the route
// gives (same identity headers, same security headers). Anything else (no token, a cache
// miss, a refusal, a body, an odd URL, shutdown, debug logging) falls through to Fastify's
// route, which decides and counts failures as always. The routes stay the only place that
// refuses; this lane can only let through what they would let through.

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Metrics } from '../../http/metrics.js';
import { announcesBody } from '../../http/route-helpers.js';
import { DEFAULT_HEADERS } from '../../http/security-headers.js';
import type { PatAuthenticator, PatIdentity } from '../pats/pat-authenticator.js';
import { tokenFromAuthorization } from '../../http/authorization-header.js';
import { type IdentityHeaders, identityHeaders } from './identity-headers.js';
import { upper } from './original-request.js';
import { type AskMemo, NOTHING_ASKED, refusalFor } from './scope-check.js';

const AUTH_REQUEST = '/api/authz/auth-request';
const FORWARD_AUTH = '/api/authz/forward-auth';
const ENDPOINTS = [AUTH_REQUEST, FORWARD_AUTH] as const;

export interface FastLaneDeps {
  pats: PatAuthenticator;
  asks: AskMemo;
  metrics: Metrics;
  /** False while shutting down or logging every request: the route handles those. */
  open: () => boolean;
}

/** Returns a handler that answers and returns true, or returns false and touches nothing. */
export function createAuthzFastLane(deps: FastLaneDeps) {
  const { pats, asks, metrics, open } = deps;
  // The full header set of an answer, built once per identity-headers object (itself built
  // once per cached credential, and dropped with it).
  const answers = new WeakMap<IdentityHeaders, OutgoingHttpHeaders>();

  return function fastLane(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const url = req.url ?? '';
    const path = endpointOf(url);
    if (path === undefined) return false;
    const headers = req.headers;
    const authorization = headers.authorization;
    if (authorization === undefined || announcesBody(req) || !open()) return false;
    const query = url.length > path.length ? url.slice(path.length + 1) : '';
    const parsed = asks.parse(query === '' ? undefined : query);
    if ('problems' in parsed) return false;
    const started = metrics.enabled ? performance.now() : 0;
    const ask = parsed.ask;
    // A refusal is the route's to give (and to count): declined before the hit is counted.
    const admits =
      ask === NOTHING_ASKED
        ? undefined
        : (identity: PatIdentity): boolean =>
            refusalFor(
              identity.grant,
              ask,
              upper(
                path === AUTH_REQUEST
                  ? headers['x-original-method']
                  : headers['x-forwarded-method'],
              ),
            ) === undefined;
    // The peer's address: the lane stays off behind TRUST_PROXY (see open()), so this is
    // the address Fastify would give the route.
    const identity = pats.authenticateCached(
      tokenFromAuthorization(authorization),
      req.socket.remoteAddress ?? '',
      headers['user-agent'],
      admits,
    );
    if (identity === undefined) return false;
    const identityHeaderSet = identityHeaders(identity.tokenId, identity.user, identity.grant);
    let answer = answers.get(identityHeaderSet);
    if (answer === undefined) {
      answer = { ...DEFAULT_HEADERS, ...identityHeaderSet, 'content-length': '0' };
      answers.set(identityHeaderSet, answer);
    }
    res.writeHead(200, answer);
    res.end();
    if (metrics.enabled) metrics.observeRoute(path, 'GET', 200, performance.now() - started);
    return true;
  };
}

/** The endpoint, when the URL is exactly one of the two (with or without a query string). */
function endpointOf(url: string): string | undefined {
  for (const path of ENDPOINTS) {
    if (url.startsWith(path) && (url.length === path.length || url[path.length] === '?'))
      return path;
  }
  return undefined;
}
