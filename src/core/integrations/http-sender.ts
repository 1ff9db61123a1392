import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressesOf, isPublicAddress, type NetworkPolicy } from './network';

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  network: NetworkPolicy;
}

export interface SendResult {
  /** The receiver's status, or null when there was no answer (refused, timed out, unreachable). */
  status: number | null;
  latencyMs: number;
  /** The first KB of the answer, or why there was none. */
  response: string;
  /** The receiver's Retry-After, in milliseconds from now, when it sent one. */
  retryAfterMs?: number;
}

/** How a delivery is sent: over HTTP here, by a recording fake in some tests. */
export type Send = (request: SendRequest) => Promise<SendResult>;

const responseExcerptBytes = 1024;

/**
 * POSTs one webhook. The address is resolved and checked for this very connection (the connection uses the address
 * that was checked), so a host that resolved to a public address when the endpoint was made but resolves to a
 * private one now (DNS rebinding) is refused. Redirects are not followed; only the first KB of the answer is read.
 */
export const sendWebhook: Send = async ({ url, headers, body, timeoutMs, network }) => {
  const target = new URL(url);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let address: { address: string; family: number };
  try {
    address = await checkedAddress(target.hostname, network);
  } catch (error) {
    return { status: null, latencyMs: elapsed(), response: (error as Error).message };
  }
  // The connection goes to the address checked above, whatever the name resolves to by then.
  const lookup: LookupFunction = (_hostname, options, callback) =>
    options.all ? callback(null, [address]) : callback(null, address.address, address.family);
  const client = target.protocol === 'https:' ? https : http;

  return new Promise<SendResult>((resolve) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Roster-Webhooks/1', ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () =>
          resolve({
            status: response.statusCode ?? null,
            latencyMs: elapsed(),
            response: Buffer.concat(chunks).subarray(0, responseExcerptBytes).toString('utf8'),
            retryAfterMs: retryAfterMs(response.headers['retry-after']),
          });
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= responseExcerptBytes) {
            response.destroy();
            finish();
          }
        });
        response.on('end', finish);
        response.on('error', finish);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error) => resolve({ status: null, latencyMs: elapsed(), response: error.message.slice(0, responseExcerptBytes) }));
    request.end(body);
  });
};

async function checkedAddress(hostname: string, network: NetworkPolicy): Promise<{ address: string; family: number }> {
  const addresses = await addressesOf(hostname, network.resolve);
  if (!network.allowPrivateNetworks && !addresses.every(isPublicAddress)) {
    throw new Error(`refused: ${hostname} resolves to a private or reserved address`);
  }
  const address = addresses[0]!;
  return { address, family: address.includes(':') ? 6 : 4 };
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; nothing for a missing or unreadable one. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
