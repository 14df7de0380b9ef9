// The error catalogue: every error the API answers with, by the wire name Unleash uses.
// Services throw these; the error handler turns them into `{id, name, message, details}`.

import { randomUUID } from 'node:crypto';

export interface ErrorDetail {
  message: string;
  path?: string;
}

export interface ErrorBody {
  id: string;
  name: string;
  message: string;
  details: ErrorDetail[];
  [extra: string]: unknown;
}

export abstract class ApiError extends Error {
  abstract readonly statusCode: number;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string> = {};

  constructor(message: string, details?: ErrorDetail[]) {
    super(message);
    this.details = details;
  }

  /** Fields beyond the common four that a client of Unleash expects on this error. */
  protected extraFields(): Record<string, unknown> {
    return {};
  }

  toBody(id = randomUUID()): ErrorBody {
    return {
      id,
      name: this.name,
      message: this.message,
      details: this.details ?? [{ message: this.message }],
      ...this.extraFields(),
    };
  }
}

/**
 * Work skipped because the client closed the connection before its answer: not an API error
 * (nobody reads the answer), so the route that asked for the signal handles it.
 */
export class ClientGone extends Error {
  override readonly name = 'ClientGone';
  constructor() {
    super('The client closed the connection before the answer.');
  }
}

export class BadDataError extends ApiError {
  override readonly name: string;
  readonly statusCode = 400;
  /** wireName: Unleash's more specific 400 names, such as OwaspValidationError. */
  constructor(message: string, details?: ErrorDetail[], wireName = 'BadDataError') {
    super(message, details);
    this.name = wireName;
  }
}

export const REQUEST_VALIDATION_FAILED =
  'Request validation failed: your request body or params contain invalid data. Refer to the `details` list for more information.';

export class AuthenticationRequired extends ApiError {
  override readonly name = 'AuthenticationRequired';
  readonly statusCode = 401;
  constructor() {
    super(
      'You must log in to use Unleash. Your request had no authorization header, so we could not authorize you. Try logging in at /auth/simple/login',
    );
  }
  protected override extraFields() {
    return { path: '/auth/simple/login', type: 'password', defaultHidden: false };
  }
}

export class UnauthorizedError extends ApiError {
  override readonly name = 'UnauthorizedError';
  readonly statusCode = 401;
  constructor() {
    super('You must log in to use Unleash.');
  }
}

export class PasswordMismatch extends ApiError {
  override readonly name = 'PasswordMismatch';
  readonly statusCode = 401;
  constructor() {
    super('Wrong password, try again.');
  }
}

export class PermissionError extends ApiError {
  override readonly name = 'PermissionError';
  readonly statusCode = 403;
  readonly permission: string;
  constructor(permission = 'ADMIN') {
    super(
      `You don't have the required permissions to perform this operation. To perform this action, you need the "${permission}" permission.`,
    );
    this.permission = permission;
  }
  protected override extraFields() {
    return { permissions: [this.permission] };
  }
}

/** A token whose scopes do not reach this route (spec/scopes.md); named as Unleash names a permission. */
export class MissingScopeError extends ApiError {
  override readonly name = 'PermissionError';
  readonly statusCode = 403;
  constructor(readonly scope: string) {
    super(
      `This token lacks the scope "${scope}" that this operation needs. Its scopes were fixed when it was made: use a token that holds it.`,
    );
  }
  protected override extraFields() {
    return { permissions: [this.scope] };
  }
}

export class OperationDeniedError extends ApiError {
  override readonly name = 'OperationDeniedError';
  readonly statusCode = 403;
}

export class NotFoundError extends ApiError {
  override readonly name = 'NotFoundError';
  readonly statusCode = 404;
}

export class NameExistsError extends ApiError {
  override readonly name = 'NameExistsError';
  readonly statusCode = 409;
}

/** The resource is in a state that forbids the change (a token that was already rotated). */
export class ConflictError extends ApiError {
  override readonly name = 'ConflictError';
  readonly statusCode = 409;
}

export class ContentTooLargeError extends ApiError {
  override readonly name = 'ContentTooLargeError';
  readonly statusCode = 413;
}

export class ContentTypeError extends ApiError {
  override readonly name = 'ContentTypeError';
  readonly statusCode = 415;
  /** expected: what the route reads; JSON everywhere but token introspection's form. */
  constructor(
    received: string | undefined,
    expected = 'JSON with the content-type application/json',
  ) {
    const shown = received === undefined ? "you didn't provide one" : received;
    super(
      `We do not accept the content-type you provided (${shown}). Send the request body as ${expected}.`,
    );
  }
}

export class TooManyRequestsError extends ApiError {
  override readonly name = 'TooManyRequestsError';
  readonly statusCode = 429;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

/** The failed-credential limit (tokens and session cookies share one budget per address). */
export function tooManyFailedAttempts(retryAfterSeconds: number): TooManyRequestsError {
  return new TooManyRequestsError(
    'Too many failed authentication attempts from your address. Wait before trying again.',
    retryAfterSeconds,
  );
}

// Three errors Node's HTTP parser raises before any route sees the request (client-errors.ts).

/** A request that cannot be parsed as HTTP at all. */
export class BadRequestError extends ApiError {
  override readonly name = 'BadRequestError';
  readonly statusCode = 400;
  constructor() {
    super('The request could not be parsed as HTTP.');
  }
}

export class RequestTimeoutError extends ApiError {
  override readonly name = 'RequestTimeoutError';
  readonly statusCode = 408;
  constructor() {
    super('The request took too long to arrive.');
  }
}

export class HeadersTooLargeError extends ApiError {
  override readonly name = 'HeadersTooLargeError';
  readonly statusCode = 431;
  constructor() {
    super('The request headers are larger than this server accepts.');
  }
}

export class InternalError extends ApiError {
  override readonly name = 'InternalError';
  readonly statusCode = 500;
  constructor() {
    super(
      'Something went wrong on our side. Quote the error id to your administrator to find it in the log.',
    );
  }
}

export class ServiceUnavailableError extends ApiError {
  override readonly name = 'ServiceUnavailableError';
  readonly statusCode = 503;
  constructor(message = 'The database cannot be reached right now. Try again in a moment.') {
    super(message);
    this.headers['retry-after'] = '2';
  }
}

export function notFoundPath(path: string): NotFoundError {
  return new NotFoundError(`The path you were looking for (${path}) is not available.`);
}
