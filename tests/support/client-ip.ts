import { peerAddressHeader, peerAddressStamp } from '@/http/peer-address';

/**
 * The headers of a request that reached this process over a TCP connection from `ip`, as the server's ingress
 * stamps them (src/server/peer-address-ingress.ts): for tests that call handlers in-process, without a socket.
 */
export function fromClient(ip: string): Record<string, string> {
  return { [peerAddressHeader]: peerAddressStamp(ip) };
}
