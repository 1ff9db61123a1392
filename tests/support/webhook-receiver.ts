import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver answers, request by request; after the list runs out, 200. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
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
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift() ?? { status: 200 };
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
