import type { FastifyRequest } from 'fastify';
import { OperationDeniedError } from '../core/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether the browser says this request comes from another site. Browsers send
 * Sec-Fetch-Site (modern) or Origin (older) on cross-site writes; curl and scripts send
 * neither, and are not affected.
 */
export function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    // Both through URL, so default ports compare equal (http://h and http://h:80).
    return new URL(origin).host !== new URL(`${request.protocol}://${request.host}`).host;
  } catch {
    return true; // "null" (sandboxed frames, file://) and garbage are not this site
  }
}

/** Refuses a write that would act with a browser's cookie on another site's behalf. */
export function assertNotCrossSiteWrite(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method) || !isCrossSite(request)) return;
  throw new OperationDeniedError(
    "Cross-site requests that rely on a session cookie are refused. Use this server's own pages, or a personal access token.",
  );
}
