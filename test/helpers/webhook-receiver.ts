// A webhook receiver for tests: a node:http server that records every delivery it is sent and
// answers as the test says (fail the first N, hang, redirect), and checks signatures itself.

import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Received {
  deliveryId: string;
  event: string;
  timestamp: string;
  signature: string;
  body: string;
  status: number;
}

export type Answer = 'ok' | 'fail' | 'hang' | 'redirect';

export interface Receiver {
  url: string;
  received: Received[];
  /** How to answer the n-th request (from 0); 'ok' by default. */
  answer: (index: number, deliveryId: string) => Answer;
  /** Deliveries answered 2xx, by id: how many times each. */
  accepted(): Map<string, number>;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The check a receiver makes: HMAC-SHA256 of "timestamp.body", compared in constant time. */
export function signatureValid(secret: string, received: Received): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret).update(`${received.timestamp}.${received.body}`).digest('hex')}`,
  );
  const given = Buffer.from(received.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function startReceiver(path = '/hook'): Promise<Receiver> {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const receiver: Receiver = {
    url: '',
    received,
    answer: () => 'ok',
    accepted() {
      const counts = new Map<string, number>();
      for (const entry of received) {
        if (entry.status >= 200 && entry.status < 300)
          counts.set(entry.deliveryId, (counts.get(entry.deliveryId) ?? 0) + 1);
      }
      return counts;
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline)
          throw new Error(`receiver: condition not met in ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const deliveryId = String(req.headers['x-unlatch-delivery'] ?? '');
      const answer = receiver.answer(received.length, deliveryId);
      const status =
        answer === 'ok' ? 200 : answer === 'fail' ? 500 : answer === 'redirect' ? 302 : 0;
      received.push({
        deliveryId,
        event: String(req.headers['x-unlatch-event'] ?? ''),
        timestamp: String(req.headers['x-unlatch-timestamp'] ?? ''),
        signature: String(req.headers['x-unlatch-signature'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
        status,
      });
      if (req.url !== path) {
        res.writeHead(404).end('not here');
      } else if (answer === 'hang') {
        hanging.add(res);
      } else if (answer === 'redirect') {
        res.writeHead(302, { location: `${receiver.url}-elsewhere` }).end();
      } else {
        res
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(answer === 'ok' ? 'ok' : 'nope');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}
