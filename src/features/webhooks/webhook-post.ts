// One delivery attempt: a signed POST with node:http(s). No redirect is followed (a 3xx is a
// failure like any non-2xx), the whole exchange has a deadline, and at most a few kB of the
// answer are read (only its status matters; a short excerpt helps whoever debugs a 4xx).

import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isPrivateAddress, publicOnlyLookup } from './address-guard.js';

const MAX_RESPONSE_BYTES = 4096;
const MAX_ERROR_LENGTH = 300;
const USER_AGENT = 'Unlatch-Webhooks/1';

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  signal: AbortSignal;
}

export interface PostResult {
  /** The HTTP status, or null when there was no answer. */
  status: number | null;
  /** Why it failed, for the deliveries list; null on a 2xx. */
  error: string | null;
  ms: number;
  /** Cancelled by shutdown: not an attempt, to be sent again. */
  aborted: boolean;
}

/** `sha256=<hex HMAC-SHA256 of "timestamp.body">`, keyed by the webhook's secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface SignedRequest {
  deliveryId: string;
  eventType: string;
  body: string;
  secret: string;
  /** Unix seconds. */
  timestamp: string;
}

export function deliveryHeaders(request: SignedRequest): Record<string, string> {
  return {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(request.body)),
    'user-agent': USER_AGENT,
    'x-unlatch-event': request.eventType,
    'x-unlatch-delivery': request.deliveryId,
    'x-unlatch-timestamp': request.timestamp,
    'x-unlatch-signature': signature(request.secret, request.timestamp, request.body),
  };
}

function clip(text: string): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > MAX_ERROR_LENGTH ? `${single.slice(0, MAX_ERROR_LENGTH - 3)}...` : single;
}

export function postDelivery(
  url: string,
  request: SignedRequest,
  options: PostOptions,
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({ ...result, ms: elapsed() });
    };
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // A literal address is connected to without a lookup: check it here.
    if (!options.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
      resolve({
        status: null,
        error: 'refused: the address is private (WEBHOOK_ALLOW_PRIVATE=false)',
        ms: 0,
        aborted: false,
      });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, {
      method: 'POST',
      headers: deliveryHeaders(request),
      agent: false,
      ...(!options.allowPrivate && { lookup: publicOnlyLookup }),
    });
    const timer = setTimeout(() => {
      finish({ status: null, error: `timed out after ${options.timeoutMs} ms`, aborted: false });
      req.destroy();
    }, options.timeoutMs);
    const onAbort = () => {
      finish({ status: null, error: 'cancelled by shutdown', aborted: true });
      req.destroy();
    };
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const private_ = error.code === 'EPRIVATEADDRESS';
      finish({
        status: null,
        error: private_
          ? 'refused: the host resolves to a private address (WEBHOOK_ALLOW_PRIVATE=false)'
          : clip(`${error.code ?? 'error'}: ${error.message}`),
        aborted: false,
      });
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const ok = status >= 200 && status < 300;
        const excerpt = clip(Buffer.concat(chunks).toString('utf8'));
        const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
        finish({
          status,
          error: ok ? null : `HTTP ${status}${redirect}${excerpt ? `: ${excerpt}` : ''}`,
          aborted: false,
        });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
        size += chunk.length;
        if (size >= MAX_RESPONSE_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
      // The connection dropped mid-answer: the status came, so it still counts.
      res.on('close', done);
    });
    req.end(request.body);
  });
}
