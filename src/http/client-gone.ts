// A request whose client closed the connection before its answer was sent. Node emits a
// request's own 'close' once its body has been read, so that event says nothing here; the
// response's 'close' before it finished writing is the client leaving. For slow routes only
// (a listener per request is not free): a login waiting its turn for the password hasher
// should not spend ~0.3 s of a core on an answer nobody will read.

import type { FastifyReply, FastifyRequest } from 'fastify';

/** Status recorded for such a request in the metrics (nginx's "client closed request"). */
export const CLIENT_CLOSED_REQUEST = 499;

/** A signal aborted when the client leaves before the answer; `onGone` runs then, once. */
export function clientGoneSignal(
  request: FastifyRequest,
  reply: FastifyReply,
  onGone: () => void,
): AbortSignal {
  const controller = new AbortController();
  const gone = () => {
    controller.abort();
    onGone();
  };
  // Gone already, before the handler began: the response's 'close' has been and gone.
  // (The request's socket, not the response's: a pipelined response gets its socket late.)
  if (request.raw.socket.destroyed) {
    gone();
    return controller.signal;
  }
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone();
  });
  return controller.signal;
}
