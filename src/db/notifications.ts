import pg from 'pg';

/** Stops listening and releases what listening held. */
export type Unlisten = () => Promise<void>;

/**
 * LISTEN on PostgreSQL with a client of its own (a pooled connection can't hold LISTEN). If the connection drops it
 * reconnects with backoff and calls `onNotify` once on reconnecting, since notifications sent meanwhile are lost:
 * the listener then reads what it missed from the tables, which are the truth.
 */
export async function listenOnPostgres(url: string, channel: string, onNotify: (payload: string) => void): Promise<Unlisten> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = 100;
  let retryTimer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => onNotify(message.payload ?? ''));
    next.on('error', () => reconnect(next));
    next.on('end', () => reconnect(next));
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
    retryMs = 100;
  };

  const reconnect = (failed: pg.Client) => {
    if (stopped || client !== failed) return;
    client = undefined;
    failed.end().catch(() => {});
    const attempt = () => {
      retryTimer = undefined;
      if (stopped) return;
      connect().then(
        () => onNotify(''),
        () => {
          retryMs = Math.min(retryMs * 2, 5_000);
          retryTimer = setTimeout(attempt, retryMs);
        },
      );
    };
    retryTimer = setTimeout(attempt, retryMs);
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    await client?.end().catch(() => {});
  };
}
