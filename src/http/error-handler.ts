import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isConnectionError } from '../db/db.js';
import {
  ApiError,
  BadDataError,
  ContentTooLargeError,
  ContentTypeError,
  InternalError,
  notFoundPath,
  ServiceUnavailableError,
} from '../core/errors.js';
import { sendJsonText } from './route-helpers.js';
import { DEFAULT_HEADERS } from './security-headers.js';

/** Maps anything thrown while serving a request onto the catalogue. */
export function toApiError(
  error: FastifyError & { code?: string },
  request: FastifyRequest,
): ApiError {
  if (error instanceof ApiError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ContentTypeError(request.headers['content-type']);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ContentTooLargeError(
        'The request body is larger than the 100 kB this API accepts.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BadDataError('The request body is empty, but its content-type says JSON.');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new BadDataError('The request body is not valid JSON.');
  }
  if (isConnectionError(error)) return new ServiceUnavailableError();
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Framework-level rejections (bad content-length, forbidden prototype keys, ...).
    return new BadDataError(error.message || 'The request could not be read.');
  }
  return new InternalError();
}

export function sendError(reply: FastifyReply, error: ApiError, cause?: unknown): FastifyReply {
  const body = error.toBody();
  if (error.statusCode >= 500) {
    // The body says only that something went wrong; the log keeps the cause under the same id.
    reply.log.error(
      { reqId: reply.request.id, err: cause ?? error, errorId: body.id },
      'request failed',
    );
  }
  reply.code(error.statusCode);
  reply.headers(error.headers);
  reply.header('cache-control', 'no-store');
  // Sent as text so that no route's response schema filters the error's fields.
  return sendJsonText(reply, JSON.stringify(body));
}

/** Matches the router's view: case-insensitive and percent-decoded. */
function isAdminApiPath(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Malformed escapes: judge the raw path.
  }
  return /^\/+api\/+admin(\/|$)/i.test(decoded);
}

export type Authenticate = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * Errors the router raises before any route or hook runs: a malformed percent-escape in the
 * path, or a path parameter over maxParamLength. Fastify would answer these itself, in its own
 * shape, echoing the path. Under /api/admin a stranger still gets 401 first.
 */
export function createFrameworkErrorHandler(authenticate: Authenticate) {
  return function frameworkErrors(
    error: FastifyError,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const path = request.url.split('?')[0] ?? request.url;
    const answer = async () => {
      if (isAdminApiPath(path)) await authenticate(request, reply);
      return error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new BadDataError('A part of the path is longer than this API accepts.')
        : new BadDataError('The path is not a valid URL: it has a malformed percent-escape.');
    };
    // The router's errors come before the onRequest hook that sets these.
    reply.headers(DEFAULT_HEADERS);
    answer().then(
      (apiError) => sendError(reply, apiError),
      (thrown: FastifyError) => sendError(reply, toApiError(thrown, request), thrown),
    );
  };
}

export function registerErrorHandling(app: FastifyInstance, authenticate: Authenticate): void {
  const notFound = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    if (isAdminApiPath(path)) await authenticate(request, reply);
    return sendError(reply, notFoundPath(path));
  };
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // The body of a request to no route is read before the not-found handler runs: an empty
    // or malformed JSON body there must still be a 404 (and a 401 first under /api/admin),
    // not a complaint about a body nobody would have read.
    if (request.is404 && !(error instanceof ApiError)) {
      return notFound(request, reply).catch((thrown: FastifyError) =>
        sendError(reply, toApiError(thrown, request), thrown),
      );
    }
    return sendError(reply, toApiError(error, request), error);
  });
  app.setNotFoundHandler(notFound);
}
