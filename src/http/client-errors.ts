import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import {
  type ApiError,
  BadRequestError,
  HeadersTooLargeError,
  RequestTimeoutError,
} from '../core/errors.js';
import { DEFAULT_HEADERS } from './security-headers.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** The catalogue's error for a parser error code. */
function classify(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HeadersTooLargeError();
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new RequestTimeoutError();
    default:
      return new BadRequestError();
  }
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (oversized headers, slow
 * clients, garbage): answered in the contract's error shape instead of Node's bare status.
 */
export function createClientErrorHandler(log: FastifyBaseLogger) {
  return function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || !socket.writable) return;
    const answer = classify(error.code);
    const status = answer.statusCode;
    const body = JSON.stringify(answer.toBody());
    log.debug({ code: error.code, status }, 'client error');
    // Written outside Fastify's hooks, so the default headers are added here.
    const headers = Object.entries(DEFAULT_HEADERS)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
    );
  };
}
