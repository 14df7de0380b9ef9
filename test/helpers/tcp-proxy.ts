// A TCP proxy that a test can cut: it stands between the server and PostgreSQL, so a test can
// take the database away (every open connection dies, new ones are reset) and bring it back,
// without touching the real PostgreSQL that other tests share.

import net from 'node:net';

export interface ProxyTarget {
  host: string;
  port: number;
}

export class TcpProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #cut = false;
  /** Connections the proxy accepted, and reset while cut: lets a test see it was exercised. */
  accepted = 0;
  refused = 0;

  private constructor(
    server: net.Server,
    private readonly target: ProxyTarget,
  ) {
    this.#server = server;
    server.on('connection', (client) => this.#onConnection(client));
  }

  static async start(target: ProxyTarget): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server, target);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy not listening');
    return address.port;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  #onConnection(client: net.Socket): void {
    if (this.#cut) {
      this.refused++;
      // A reset, as a host whose database is down answers: the client fails at once.
      client.resetAndDestroy();
      return;
    }
    this.accepted++;
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.#sockets.delete(socket));
      // Either side failing ends the pair, as a broken network path would.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // Forwarded by hand rather than piped, so that a trap can look at what the client sends
    // and hold back what the server answers.
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (this.#trap && chunk.includes(this.#trap.marker)) this.#spring(this.#trap);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!this.#holdingAnswers) client.write(chunk);
    });
  }

  #trap: { marker: string; holdMs: number; sprung: () => void } | undefined;
  #holdingAnswers = false;

  #spring(trap: { holdMs: number; sprung: () => void }): void {
    this.#trap = undefined;
    this.#holdingAnswers = true;
    setTimeout(() => {
      this.cut();
      this.#holdingAnswers = false;
      trap.sprung();
    }, trap.holdMs);
  }

  /**
   * The next time a client sends bytes containing marker, they reach the database, but
   * nothing the database answers from then on gets through: after holdMs the proxy cuts.
   * Resolves when it has cut.
   */
  cutAfterClientSends(marker: string, holdMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.#trap = { marker, holdMs, sprung: resolve };
    });
  }

  /** The database is gone: every open connection is reset and new ones are refused. */
  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.resetAndDestroy();
    this.#sockets.clear();
  }

  /** The database is back for new connections. */
  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
