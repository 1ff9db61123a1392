import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkedAddress, type NetworkPolicy } from './network';

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The one deadline of the whole exchange: DNS, connecting, TLS, the request, the answer's headers and body. */
  deadlineMs: number;
  network: NetworkPolicy;
  /** Aborts the send at once (the deliverer stopping): it resolves as interrupted. */
  signal?: AbortSignal;
}

export interface SendResult {
  /** The receiver's status, or null when there was no answer (refused, timed out, unreachable, interrupted). */
  status: number | null;
  latencyMs: number;
  /** The first KB of the answer, or why there was none. */
  response: string;
  /** The receiver's Retry-After, in milliseconds from now, when it sent one. */
  retryAfterMs?: number;
  /** True when `signal` ended the send: nothing can be said of the receiver. */
  interrupted?: true;
}

/** How a delivery is sent: over HTTP here, by a recording fake in some tests. */
export type Send = (request: SendRequest) => Promise<SendResult>;

/** How much of a receiver's answer a delivery keeps (and the API shows): its first KB. */
export const RESPONSE_EXCERPT_MAX = 1024;

/**
 * POSTs one webhook. The address is resolved and checked for this very connection (the connection uses the address
 * that was checked: see checkedAddress). Redirects are not followed; only the first KB of the answer is read. The
 * whole exchange has one deadline: a receiver that accepts and then stalls, or trickles its answer, gets no more
 * time than one that never answers. An answer that is not complete by then counts as none.
 */
export const sendWebhook: Send = ({ url, headers, body, deadlineMs, network, signal }) => {
  const target = new URL(url);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(deadlineMs);
  const ended = signal ? AbortSignal.any([deadline, signal]) : deadline;
  let request: http.ClientRequest | undefined;

  return new Promise<SendResult>((settle) => {
    // The first outcome wins; whatever the abandoned request does afterwards is ignored.
    const resolve = (result: SendResult) => {
      ended.removeEventListener('abort', onEnded);
      request?.destroy();
      settle(result);
    };
    const fail = (why: string, extra: Partial<SendResult> = {}) => resolve({ status: null, latencyMs: elapsed(), response: why.slice(0, RESPONSE_EXCERPT_MAX), ...extra });
    const onEnded = () =>
      signal?.aborted ? fail('interrupted: Roster stopped while sending', { interrupted: true }) : fail(`no complete answer within ${deadlineMs / 1000} s`);
    if (ended.aborted) return onEnded();
    ended.addEventListener('abort', onEnded);

    checkedAddress(target, network).then((address) => {
      if (ended.aborted) return;
      // The connection goes to the address checked above, whatever the name resolves to by then.
      const lookup: LookupFunction = (_hostname, options, callback) =>
        options.all ? callback(null, [address]) : callback(null, address.address, address.family);
      const client = target.protocol === 'https:' ? https : http;
      request = client.request(
        target,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Roster-Webhooks/1', ...headers, 'content-length': String(Buffer.byteLength(body)) },
          lookup,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () =>
            resolve({
              status: response.statusCode ?? null,
              latencyMs: elapsed(),
              response: Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_MAX).toString('utf8'),
              retryAfterMs: retryAfterMs(response.headers['retry-after']),
            });
          response.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= RESPONSE_EXCERPT_MAX) finish();
          });
          response.on('end', finish);
          response.on('error', (error) => fail(error.message));
        },
      );
      request.on('error', (error) => fail(error.message));
      request.end(body);
    }, (error: unknown) => fail((error as Error).message));
  });
};

/** Retry-After as seconds or an HTTP date, in milliseconds from now; nothing for a missing or unreadable one. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
