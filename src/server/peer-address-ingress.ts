import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { peerAddressHeader, peerAddressStamp } from '@/http/peer-address';

const globalForIngress = globalThis as unknown as { rosterPeerIngress?: (message: unknown) => void };

/**
 * Stamps every HTTP request this process receives with its TCP peer address, overwriting whatever the client sent
 * under that name. Node publishes `http.server.request.start` for every node:http server synchronously, before the
 * server's own request handler (Next's) runs, whatever server Next was started by.
 */
export function stampPeerAddresses(): void {
  if (globalForIngress.rosterPeerIngress) return;
  globalForIngress.rosterPeerIngress = (message) => {
    const { request, socket } = message as { request: IncomingMessage; socket: Socket };
    if (socket.remoteAddress) request.headers[peerAddressHeader] = peerAddressStamp(socket.remoteAddress);
    else delete request.headers[peerAddressHeader];
  };
  subscribe('http.server.request.start', globalForIngress.rosterPeerIngress);
}
