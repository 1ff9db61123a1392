import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver answers, request by request; after the list runs out, 200. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Accept the request and then stall: never answer (`'headers'`), or send the status and a first byte of the body
   * and never the rest (`'body'`). The connection stays open until the sender gives up or the receiver closes.
   */
  stall?: 'headers' | 'body';
}

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Queue answers for the next requests. */
  answer(...answers: Answer[]): void;
  /** Forgets what it received and the answers still queued. */
  reset(): void;
  /** Cuts the connections of the requests it is stalling (see Answer.stall): their senders see the connection drop. */
  dropStalled(): void;
  /**
   * Verifies a received webhook with the Standard Webhooks reference library (not Roster's signing code) and returns
   * the parsed payload; throws if the signature, id or timestamp don't check out.
   */
  verify(webhook: ReceivedWebhook, secret: string): unknown;
  /** The webhooks received so far that verify with `secret` (those of one endpoint, when several share the receiver). */
  signedWith(secret: string): ReceivedWebhook[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback, as an integration would run one. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers: Answer[] = [];
  const stalled = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift() ?? { status: 200 };
      if (answer.stall) {
        stalled.add(response);
        if (answer.stall === 'body') response.writeHead(answer.status, { 'content-length': '1000', ...answer.headers }).write('{');
        return;
      }
      response.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    answer: (...more) => answers.push(...more),
    reset: () => {
      received.length = 0;
      answers.length = 0;
    },
    dropStalled: () => {
      for (const response of stalled) response.socket?.destroy();
      stalled.clear();
    },
    verify: (webhook, secret) => new Webhook(secret).verify(webhook.body, webhook.headers),
    signedWith: (secret) =>
      received.filter((webhook) => {
        try {
          new Webhook(secret).verify(webhook.body, webhook.headers);
          return true;
        } catch {
          return false;
        }
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // stalled answers included
      }),
  };
}
