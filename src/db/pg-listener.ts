import pg from 'pg';

type Handler = (payload: string) => void;

/**
 * One dedicated connection for LISTEN that reconnects by itself. While it is down, the
 * subscribers are told (so caches that rely on notifications stop trusting themselves); when
 * it is back, every channel is listened to again and they are told that too.
 */
export class PgListener {
  readonly #handlers = new Map<string, Set<Handler>>();
  readonly #stateHandlers = new Set<(connected: boolean) => void>();
  #client: pg.Client | undefined;
  #connecting: Promise<void> | undefined;
  #closed = false;
  #retryMs = 100;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    /** Unit tests pass a fake; the server always uses pg's own client. */
    private readonly createClient: (config: pg.ClientConfig) => pg.Client = (c) => new pg.Client(c),
  ) {}

  async subscribe(channel: string, handler: Handler, onState?: (connected: boolean) => void) {
    if (onState) this.#stateHandlers.add(onState);
    let handlers = this.#handlers.get(channel);
    const isNew = !handlers;
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    handlers.add(handler);
    await this.#ensureConnected();
    if (isNew) await this.#client?.query(`LISTEN ${channel}`);
    return async () => {
      handlers.delete(handler);
      if (onState) this.#stateHandlers.delete(onState);
    };
  }

  #ensureConnected(): Promise<void> {
    if (this.#client) return Promise.resolve();
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const client = this.createClient(this.config);
    client.on('notification', (message) => {
      for (const handler of this.#handlers.get(message.channel) ?? [])
        handler(message.payload ?? '');
    });
    const lost = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.removeAllListeners('end');
      void client.end().catch(() => {});
      this.#setState(false);
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      for (const channel of this.#handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      // A connection that came up but could not LISTEN would otherwise stay open, one more
      // for every retry.
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw error;
    }
    this.#client = client;
    this.#retryMs = 100;
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#ensureConnected().then(
        () => this.#setState(true),
        () => {
          this.#retryMs = Math.min(this.#retryMs * 2, 2000);
          this.#scheduleReconnect();
        },
      );
    }, this.#retryMs);
    this.#retryTimer.unref();
  }

  #setState(connected: boolean): void {
    for (const handler of this.#stateHandlers) handler(connected);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    client?.removeAllListeners('end');
    await client?.end().catch(() => {});
  }
}
