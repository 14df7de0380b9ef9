// The gateway endpoints (spec/gateway.md): a proxy asks "may this request pass?" and gets
// 200 with identity headers, or 401/403/429 (503 if the database is down). The hot path (a
// valid cached token) is: the ask from a small memo keyed by the query string, the token
// from the credential cache (no database), the identity headers from a memo on the cached
// credential, and an empty 200.

import { METHODS } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickErrors } from '../../http/error-schemas.js';
import { BadDataError } from '../../core/errors.js';
import type { PatAuthenticator } from '../pats/pat-authenticator.js';
import { InsufficientScopeError } from './authz-errors.js';
import { identityHeaders } from './identity-headers.js';
import {
  FORWARDED_HEADERS,
  ORIGINAL_HEADERS,
  type OriginalRequestReader,
  OWN_REQUEST,
} from './original-request.js';
import { type AskMemo, type GatewayAsk, NOTHING_ASKED, refusalFor } from './scope-check.js';
import { requireToken } from './token-check.js';

const IDENTITY_HEADERS_DOC = {
  'Remote-User': { type: 'string', description: 'Username (or email when there is none).' },
  'Remote-Email': { type: 'string', description: 'Email, when known.' },
  'Remote-Name': { type: 'string', description: 'Display name, when known.' },
  'Remote-Groups': { type: 'string', description: 'Root role: Admin, Editor or Viewer.' },
  'X-Auth-Request-User': { type: 'string', description: 'As Remote-User (oauth2-proxy name).' },
  'X-Auth-Request-Email': { type: 'string', description: 'As Remote-Email (oauth2-proxy name).' },
  'X-Unlatch-User-Id': { type: 'string', description: 'Owner id.' },
  'X-Unlatch-Token-Id': { type: 'string', description: 'Token id.' },
  'X-Unlatch-Scopes': { type: 'string', description: "The token's scopes, space-separated." },
  'X-Unlatch-Account-Type': { type: 'string', description: 'User or Service.' },
};

const ASK_QUERY = {
  type: 'object',
  properties: {
    scope: {
      type: 'string',
      description: 'A scope the token must hold (repeatable, or space-separated).',
      example: 'orders:write',
    },
    resource: {
      type: 'string',
      description:
        'GET, HEAD and OPTIONS of the original request need `<resource>:read`, other methods `<resource>:write`.',
      example: 'orders',
    },
    audience: {
      type: 'string',
      description: 'The token must list this audience, or list none.',
      example: 'billing',
    },
  },
} as const;

function responses(summary: string) {
  return {
    200: {
      description: `${summary} The identity headers describe the token's owner; no body.`,
      headers: IDENTITY_HEADERS_DOC,
      type: 'null',
    },
    ...pickErrors(400, 401, 403, 429, 503),
  };
}

export function authzRoutes(pats: PatAuthenticator, asks: AskMemo) {
  function askOf(query: string | undefined): GatewayAsk {
    const parsed = asks.parse(query);
    if ('problems' in parsed) {
      // The proxy's configuration is wrong, not the client: a clear 400 the operator sees.
      throw new BadDataError(
        'The authorization request asks for something malformed; check the proxy configuration.',
        parsed.problems,
        'ValidationError',
      );
    }
    return parsed.ask;
  }

  function check(reader: OriginalRequestReader) {
    return async function authorize(request: FastifyRequest, reply: FastifyReply) {
      const ask = askOf(reader.asks(request));
      const identity = await requireToken(request, pats);
      const grant = identity.grant;
      const method = reader.method(request);
      if (request.log.level === 'debug' || request.log.level === 'trace') {
        // Debug only: the original URL may carry what its service considers private.
        request.log.debug(
          {
            reqId: request.id,
            originalMethod: method,
            originalUrl: reader.url(request),
            tokenId: identity.tokenId,
          },
          'authz check',
        );
      }
      const refusal = ask === NOTHING_ASKED ? undefined : refusalFor(grant, ask, method);
      if (refusal !== undefined) throw new InsufficientScopeError(refusal);
      reply.headers(identityHeaders(identity.tokenId, identity.user, grant));
      return reply.code(200).send();
    };
  }

  return async function register(app: FastifyInstance): Promise<void> {
    // The query schema documents the asks; parseAsk validates them (repeated parameters
    // included, which a `type: string` schema would refuse), once per distinct query string
    // instead of an Ajv run on every request of the hot path.
    app.setValidatorCompiler(() => () => true);
    // Proxies may send the original request's body along (Envoy can be told to): it is not
    // ours to parse, whatever its content-type says; read and dropped.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => {
      payload.on('error', done);
      payload.on('end', () => done(null, undefined));
      payload.resume();
    });
    // Any method: Envoy and Traefik ask with the original request's method, which may be a
    // WebDAV one (PROPFIND, MKCOL, ...) that Fastify does not route by default. Adding them
    // routes nothing else: every other route names its own methods. (CONNECT never reaches
    // a route: Node hands it to a 'connect' listener.)
    for (const method of METHODS) {
      if (method !== 'CONNECT' && !app.supportedMethods.includes(method))
        app.addHttpMethod(method, { hasBody: true });
    }
    const otherMethods = app.supportedMethods.filter((m) => m !== 'GET' && m !== 'HEAD');

    app.get(
      '/auth-request',
      {
        schema: {
          operationId: 'authRequest',
          tags: ['Gateway'],
          summary:
            'For nginx auth_request, Apache and HAProxy: the original request in X-Original-Method and X-Original-URL (or X-Original-URI).',
          querystring: ASK_QUERY,
          response: responses('The token may pass.'),
        },
      },
      check(ORIGINAL_HEADERS),
    );

    const forwardAuth = check(FORWARDED_HEADERS);
    app.get(
      '/forward-auth',
      {
        schema: {
          operationId: 'forwardAuth',
          tags: ['Gateway'],
          summary:
            'For Traefik ForwardAuth and Caddy forward_auth (any method): the original request in X-Forwarded-Method, -Proto, -Host and -Uri.',
          querystring: ASK_QUERY,
          response: responses('The token may pass.'),
        },
      },
      forwardAuth,
    );
    app.route({
      method: otherMethods,
      url: '/forward-auth',
      schema: { hide: true },
      handler: forwardAuth,
    });

    const extAuthz = check(OWN_REQUEST);
    app.get(
      '/ext-authz',
      {
        schema: {
          operationId: 'extAuthz',
          tags: ['Gateway'],
          summary:
            "For Envoy's ext_authz HTTP service (any method): the original request's method is this request's, its path what follows /api/authz/ext-authz.",
          headers: {
            type: 'object',
            properties: {
              'x-unlatch-ask': {
                type: 'string',
                description:
                  "The asks (scope, resource, audience) in query-string form, from Envoy's headers_to_add: this URL's own query string is the original request's.",
                example: 'resource=orders&audience=billing',
              },
            },
          },
          response: responses('The token may pass.'),
        },
      },
      extAuthz,
    );
    // Every /api/authz/ext-authz/<original path> arrives here: see rewriteExtAuthz.
    app.route({
      method: otherMethods,
      url: '/ext-authz',
      schema: { hide: true },
      handler: extAuthz,
    });
  };
}
