// Where each proxy convention puts the request it is asking about (spec/gateway.md). Only the
// method matters to the decision (resource asks); the URL is read for debug logs only, so an
// odd or missing one can never turn into an error. Constant readers, not per-request objects.

import type { FastifyRequest } from 'fastify';

export interface OriginalRequestReader {
  /**
   * The query-string-shaped asks of the proxy (spec/gateway.md), or undefined for none: the
   * auth URL's own query string, except for Envoy, whose auth URL carries the original
   * request's query (see OWN_REQUEST).
   */
  asks(request: FastifyRequest): string | undefined;
  /** Upper-case, or undefined when the proxy did not say (a resource ask then needs write). */
  method(request: FastifyRequest): string | undefined;
  /** For debug logs only. */
  url(request: FastifyRequest): string;
}

export function upper(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed.toUpperCase();
}

const text = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? (value[0] ?? '') : (value ?? '');

/** The auth URL's query string, where the proxy's config puts the asks. */
function ownQuery(request: FastifyRequest): string | undefined {
  const q = request.url.indexOf('?');
  return q === -1 || q === request.url.length - 1 ? undefined : request.url.slice(q + 1);
}

/** nginx auth_request, Apache, HAProxy: X-Original-Method and X-Original-URL / -URI. */
export const ORIGINAL_HEADERS: OriginalRequestReader = {
  asks: ownQuery,
  method: (request) => upper(request.headers['x-original-method']),
  url: (request) =>
    text(request.headers['x-original-url']) || text(request.headers['x-original-uri']),
};

/** Traefik ForwardAuth, Caddy forward_auth: X-Forwarded-Method, -Proto, -Host, -Uri. */
export const FORWARDED_HEADERS: OriginalRequestReader = {
  asks: ownQuery,
  method: (request) => upper(request.headers['x-forwarded-method']),
  url: (request) => {
    const h = request.headers;
    return `${text(h['x-forwarded-proto'])}://${text(h['x-forwarded-host'])}${text(h['x-forwarded-uri'])}`;
  },
};

export const EXT_AUTHZ_PREFIX = '/api/authz/ext-authz';
const EXT_AUTHZ = /^\/api\/authz\/ext-authz(?:[/?]|$)/i;

/**
 * Fastify's rewriteUrl: every ext-authz URL becomes the bare prefix before routing, so the
 * original path after it is never parsed as a route parameter. As a parameter it would be
 * percent-decoded (a malformed escape is a 400) and limited to maxParamLength (a long signed
 * URL would be a 400): a valid token would be refused for an odd original URL. The handler
 * reads the original from request.originalUrl.
 */
export function rewriteExtAuthz(url: string): string {
  return EXT_AUTHZ.test(url) ? EXT_AUTHZ_PREFIX : url;
}

/** Where Envoy's config puts the asks: `headers_to_add` in its authorization_request. */
export const ASK_HEADER = 'x-unlatch-ask';

/**
 * Envoy ext_authz (HTTP service): the request's own method, and its path after the prefix.
 * The query string here is the original request's, the client's to choose: it must never be
 * read as asks (a service's own `?scope=` parameter would refuse valid tokens). Envoy adds
 * the asks as a header instead; a client cannot remove that one, and asks it adds itself can
 * only refuse its own request.
 */
export const OWN_REQUEST: OriginalRequestReader = {
  asks: (request) => {
    const value = request.headers[ASK_HEADER];
    const text = Array.isArray(value) ? value.join('&') : value;
    return text === undefined || text.trim() === '' ? undefined : text;
  },
  method: (request) => request.method,
  url: (request) => request.originalUrl.slice(EXT_AUTHZ_PREFIX.length) || '/',
};
