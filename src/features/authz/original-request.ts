// Where each proxy convention puts the request it is asking about (spec/gateway.md). Only the
// method matters to the decision (resource asks); the URL is read for debug logs only, so an
// odd or missing one can never turn into an error. Constant readers, not per-request objects.

import type { FastifyRequest } from 'fastify';

export interface OriginalRequestReader {
  /** Upper-case, or undefined when the proxy did not say (a resource ask then needs write). */
  method(request: FastifyRequest): string | undefined;
  /** For debug logs only. */
  url(request: FastifyRequest): string;
}

function upper(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed.toUpperCase();
}

const text = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? (value[0] ?? '') : (value ?? '');

/** nginx auth_request, Apache, HAProxy: X-Original-Method and X-Original-URL / -URI. */
export const ORIGINAL_HEADERS: OriginalRequestReader = {
  method: (request) => upper(request.headers['x-original-method']),
  url: (request) =>
    text(request.headers['x-original-url']) || text(request.headers['x-original-uri']),
};

/** Traefik ForwardAuth, Caddy forward_auth: X-Forwarded-Method, -Proto, -Host, -Uri. */
export const FORWARDED_HEADERS: OriginalRequestReader = {
  method: (request) => upper(request.headers['x-forwarded-method']),
  url: (request) => {
    const h = request.headers;
    return `${text(h['x-forwarded-proto'])}://${text(h['x-forwarded-host'])}${text(h['x-forwarded-uri'])}`;
  },
};

export const EXT_AUTHZ_PREFIX = '/api/authz/ext-authz';

/** Envoy ext_authz (HTTP service): the request's own method, and its path after the prefix. */
export const OWN_REQUEST: OriginalRequestReader = {
  method: (request) => request.method,
  url: (request) => request.url.slice(EXT_AUTHZ_PREFIX.length) || '/',
};
