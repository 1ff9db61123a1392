import { clientIpOf, parseTrustedProxies, type TrustedProxies } from './client-ip';
import { peerAddressOf } from './peer-address';

let trusted: { list: string | undefined; parsed: TrustedProxies } | undefined;

/** ROSTER_TRUSTED_PROXIES, parsed (and so checked) once. Throws on an entry that isn't an address or a range. */
export function trustedProxies(): TrustedProxies {
  const list = process.env.ROSTER_TRUSTED_PROXIES;
  if (!trusted || trusted.list !== list) trusted = { list, parsed: parseTrustedProxies(list) };
  return trusted.parsed;
}

/**
 * The IP the per-IP limits count this request under: its TCP peer, or behind ROSTER_TRUSTED_PROXIES the client
 * those proxies name in X-Forwarded-For. Null when the peer isn't known: per-IP limits then skip the request
 * (src/rate-limit/client-ip-key.ts).
 */
export function requestClientIp(source: Request | Headers | undefined): string | null {
  if (!source) return null;
  const headers = source instanceof Headers ? source : source.headers;
  return clientIpOf(peerAddressOf(headers), headers.get('x-forwarded-for'), trustedProxies());
}
