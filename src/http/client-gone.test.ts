// When a request counts as left by its client (stand-ins for Node's request and response:
// only the socket's state and the response's 'close' matter here).

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientGoneSignal } from './client-gone.js';

function exchange(socketDestroyed: boolean) {
  const response = Object.assign(new EventEmitter(), { writableFinished: false });
  const request = { raw: { socket: { destroyed: socketDestroyed } } } as unknown as FastifyRequest;
  const reply = { raw: response } as unknown as FastifyReply;
  let gone = 0;
  const signal = clientGoneSignal(request, reply, () => gone++);
  return { response, signal, gone: () => gone };
}

test('a response closed before it finished writing: the client left', () => {
  const { response, signal, gone } = exchange(false);
  assert.equal(signal.aborted, false);
  response.emit('close');
  assert.equal(signal.aborted, true);
  assert.equal(gone(), 1);
});

test('a response that finished writing, then closed: nobody left', () => {
  const { response, signal, gone } = exchange(false);
  response.writableFinished = true;
  response.emit('close');
  assert.equal(signal.aborted, false);
  assert.equal(gone(), 0);
});

test('a connection already closed when the route begins: gone at once, counted once', () => {
  const { response, signal, gone } = exchange(true);
  assert.equal(signal.aborted, true);
  assert.equal(gone(), 1);
  response.emit('close'); // no listener left to count it again
  assert.equal(gone(), 1);
});
