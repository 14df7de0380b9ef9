// HTTP over a bare socket: for requests no well-behaved client would send (bytes a client
// library refuses in headers, requests that never finish) and to see exactly what the server
// answers, including what Node's parser answers before Fastify sees anything.

import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** From connect to the server closing the connection. */
  ms: number;
  /** Whatever came after this response: further (pipelined) responses. */
  rest: string;
}

export type RawOutcome = RawResponse | { error: string; ms: number };

/** Parses one HTTP/1.1 response (Content-Length, chunked, or read to close). */
export function parseResponse(data: Buffer, ms: number): RawOutcome {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return { error: `no complete response (${data.length} bytes)`, ms };
  const head = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!status) return { error: `bad status line: ${head[0]}`, ms };
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
  }
  let body = data.subarray(end + 4);
  let rest: Buffer = Buffer.alloc(0);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    let rest = body;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) break;
      const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (!(size > 0)) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    rest = body.subarray(Number(headers['content-length']));
    body = body.subarray(0, Number(headers['content-length']));
  }
  return {
    status: Number(status[1]),
    headers,
    body: body.toString('utf8'),
    ms,
    rest: rest.toString('utf8'),
  };
}

/** A connection the test writes to at its own pace; `done` settles when the server closes. */
export class RawConnection {
  readonly socket: net.Socket;
  readonly done: Promise<RawOutcome>;
  readonly #started = Date.now();

  constructor(port: number, timeoutMs: number) {
    this.socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    this.done = new Promise((resolve) => {
      const finish = (error?: string) => {
        clearTimeout(timer);
        const ms = Date.now() - this.#started;
        const data = Buffer.concat(chunks);
        // A reset after a complete answer still counts as that answer.
        if (data.length > 0) resolve(parseResponse(data, ms));
        else resolve({ error: error ?? 'closed without an answer', ms });
        this.socket.destroy();
      };
      // Bounded: a server that never answers nor closes fails the caller, not the run.
      const timer = setTimeout(() => finish(`no close within ${timeoutMs} ms`), timeoutMs);
      this.socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.socket.on('error', (error: Error & { code?: string }) => finish(error.code));
      this.socket.on('close', () => finish());
    });
  }

  write(data: string | Buffer): boolean {
    return !this.socket.destroyed && this.socket.write(data);
  }
}

/** Sends one complete request (it should ask for `Connection: close`) and reads the answer. */
export async function rawRequest(
  port: number,
  request: string | Buffer,
  timeoutMs = 5000,
): Promise<RawOutcome> {
  const connection = new RawConnection(port, timeoutMs);
  connection.write(request);
  return connection.done;
}

export function isResponse(outcome: RawOutcome): outcome is RawResponse {
  return 'status' in outcome;
}
