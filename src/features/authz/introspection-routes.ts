// POST /oauth/introspect (RFC 7662), for resource servers and gateways that speak it (Apache
// mod_oauth2, Kong, Oathkeeper). The caller authenticates with its own token; the body is a
// form. Answers are never cached (Cache-Control: no-store comes with every answer).

import type { FastifyInstance } from 'fastify';
import { pickErrors } from '../../http/error-schemas.js';
import { BadDataError, ContentTypeError } from '../../core/errors.js';
import type { PatAuthenticator } from '../pats/pat-authenticator.js';
import { InsufficientScopeError } from './authz-errors.js';
import { type Introspection, mayIntrospect } from './introspection.js';
import { requireIntrospectionCaller } from './introspection-caller.js';

const FORM = 'a form with the content-type application/x-www-form-urlencoded';
const FORM_LIMIT = 8 * 1024;

type Form = Record<string, string[]>;

const introspectionSchema = {
  type: 'object',
  description: 'RFC 7662: `{"active": false}` alone for anything not active.',
  required: ['active'],
  properties: {
    active: { type: 'boolean', description: 'Whether the token is live.', example: true },
    scope: { type: 'string', description: 'Its scopes, space-separated.', example: '*' },
    client_id: { type: 'string', description: 'The token id.', example: '42' },
    username: { type: 'string', description: "The owner's username.", example: 'alice' },
    token_type: { type: 'string', description: 'Always Bearer.', example: 'Bearer' },
    exp: { type: 'integer', description: 'Expiry, in seconds since 1970.', example: 1893456000 },
    iat: { type: 'integer', description: 'Creation, in seconds since 1970.', example: 1764633600 },
    sub: { type: 'string', description: 'The owner id.', example: '7' },
    aud: {
      type: 'array',
      items: { type: 'string' },
      description: 'Audiences, when the token is limited to some.',
      example: ['billing'],
    },
    jti: { type: 'string', description: 'The token id.', example: '42' },
  },
} as const;

export function introspectionRoutes(pats: PatAuthenticator, introspection: Introspection) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (_request, body, done) => {
        const form: Form = {};
        for (const [key, value] of new URLSearchParams(body as string)) {
          if (!Object.hasOwn(form, key)) form[key] = [];
          form[key]?.push(value);
        }
        done(null, form);
      },
    );
    app.addContentTypeParser('*', (request, _payload, done) => {
      done(new ContentTypeError(request.headers['content-type'], FORM), undefined);
    });
    // The caller first: a stranger learns nothing, not even which content-type is wanted.
    app.addHook('onRequest', async (request) => {
      const caller = await requireIntrospectionCaller(request, pats);
      if (!mayIntrospect(caller.user, caller.grant))
        throw new InsufficientScopeError({ kind: 'scope', missing: 'introspect' });
    });

    app.post(
      '/oauth/introspect',
      {
        schema: {
          operationId: 'introspectToken',
          tags: ['Gateway'],
          summary:
            'RFC 7662 token introspection. The caller sends its own token (owner an Admin, or scope `introspect`), as Bearer or as the client secret of HTTP Basic (client_secret_basic), and the one to check in the form field `token`.',
          consumes: ['application/x-www-form-urlencoded'],
          body: {
            type: 'object',
            properties: {
              token: { type: 'string', description: 'The token to check.' },
              token_type_hint: { type: 'string', description: 'Accepted and ignored.' },
            },
          },
          response: {
            200: { ...introspectionSchema, description: 'What the token is (RFC 7662).' },
            ...pickErrors(400, 401, 403, 413, 415, 429, 503),
          },
        },
        // The body is a form: validated by hand below, not by the JSON-schema validator.
        validatorCompiler: () => () => true,
      },
      async (request) => {
        if (request.headers['content-type'] === undefined)
          throw new ContentTypeError(undefined, FORM);
        const tokens = (request.body as Form | undefined)?.token ?? [];
        if (tokens.length !== 1 || tokens[0] === '')
          throw new BadDataError('The form must have exactly one non-empty field "token".', [
            { path: 'token', message: 'Give the token to introspect, once.' },
          ]);
        return introspection.introspect(tokens[0] as string, request.ip);
      },
    );
  };
}
