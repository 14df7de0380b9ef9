// The authz endpoints' refusals: the API's error shape plus the RFC 6750 challenge a proxy
// passes on to the client (`WWW-Authenticate: Bearer realm="unlatch"`, with `error=` when a
// token was sent or a scope is missing).

import { ApiError, AuthenticationRequired, UnauthorizedError } from '../../core/errors.js';
import type { Refusal } from './scope-check.js';

const REALM = 'Bearer realm="unlatch"';

/** No token in the Authorization header (a session cookie does not count here). */
export function noToken(): ApiError {
  const error = new AuthenticationRequired();
  error.headers['www-authenticate'] = REALM;
  return error;
}

/** A token was sent and is not live: unknown, malformed, expired, deleted, owner deleted. */
export function invalidToken(): ApiError {
  const error = new UnauthorizedError();
  error.headers['www-authenticate'] =
    `${REALM}, error="invalid_token", error_description="The token is not valid."`;
  return error;
}

/** A live token that lacks what the proxy asked for; the body names what is missing. */
export class InsufficientScopeError extends ApiError {
  // Unleash's name for a missing permission, with its `permissions` list.
  override readonly name = 'PermissionError';
  readonly statusCode = 403;
  readonly missing: string;

  constructor(refusal: Refusal) {
    super(
      refusal.kind === 'scope'
        ? `This token lacks the scope "${refusal.missing}" that this service requires.`
        : `This token is not meant for the audience "${refusal.missing}" that this service requires.`,
    );
    this.missing = refusal.kind === 'scope' ? refusal.missing : `audience:${refusal.missing}`;
    // The grammar keeps scope and audience names free of quotes and backslashes.
    const scope = refusal.kind === 'scope' ? ` scope="${refusal.missing}",` : '';
    this.headers['www-authenticate'] =
      `${REALM}, error="insufficient_scope",${scope} error_description="${this.message.replace(/"/g, "'")}"`;
  }

  protected override extraFields() {
    return { permissions: [this.missing] };
  }
}
