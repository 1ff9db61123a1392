import { randomUUID } from 'node:crypto';

/**
 * The request header the server's ingress (src/server/peer-address-ingress.ts) writes each connection's TCP peer
 * into. Route Handlers and Server Actions only see headers, and Next fills in X-Forwarded-For from the socket only
 * when the client sent none, so the peer would otherwise be lost.
 */
export const peerAddressHeader = 'x-roster-peer-address';

// The ingress overwrites the header on every request it sees, and signs it with a secret of this process: a
// request that reached Next before the ingress was listening (server start-up) can't pass off a header of its own.
const globalForPeer = globalThis as unknown as { rosterPeerProof?: string };
const proof = () => (globalForPeer.rosterPeerProof ??= randomUUID());

/** The header value the ingress sets for a connection from `address`. */
export function peerAddressStamp(address: string): string {
  return `${address} ${proof()}`;
}

/** The TCP peer of this request, or null when no ingress of this process stamped it. */
export function peerAddressOf(headers: Headers): string | null {
  const [address, stamp] = (headers.get(peerAddressHeader) ?? '').split(' ');
  return address && stamp === proof() ? address : null;
}
