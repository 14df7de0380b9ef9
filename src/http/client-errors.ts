import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { DEFAULT_HEADERS } from './security-headers.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

function classify(code: string | undefined): { status: number; name: string; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        name: 'HeadersTooLargeError',
        message: 'The request headers are larger than this server accepts.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return {
        status: 408,
        name: 'RequestTimeoutError',
        message: 'The request took too long to arrive.',
      };
    default:
      return {
        status: 400,
        name: 'BadRequestError',
        message: 'The request could not be parsed as HTTP.',
      };
  }
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (oversized headers, slow
 * clients, garbage): answered in the contract's error shape instead of Node's bare status.
 */
export function createClientErrorHandler(log: FastifyBaseLogger) {
  return function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || !socket.writable) return;
    const { status, name, message } = classify(error.code);
    const body = JSON.stringify({ id: randomUUID(), name, message, details: [{ message }] });
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
