import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Networks whose X-Forwarded-For entries are believed: the load balancers and proxies in front of Roster. */
export type TrustedProxies = ReadonlyArray<[Address, number]>;

/**
 * Parses a comma-separated CIDR list (`10.0.0.0/8, 127.0.0.1/32, ::1/128`; a bare address means just that
 * address). Throws naming the first entry that isn't one, so a typo stops the server instead of trusting nobody.
 */
export function parseTrustedProxies(list: string | undefined): TrustedProxies {
  return (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry): [Address, number] => {
      try {
        if (entry.includes('/')) return ipaddr.parseCIDR(entry);
        const address = ipaddr.parse(entry);
        return [address, address.kind() === 'ipv4' ? 32 : 128];
      } catch {
        throw new Error(`ROSTER_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range.`);
      }
    })
    .map(([address, bits]): [Address, number] =>
      // An IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range: addresses are compared in IPv4 form.
      address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
        ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96]
        : [address, bits],
    );
}

/** An address in canonical form (IPv4-mapped IPv6 as IPv4), or null when `text` isn't a plain IP address. */
function parseAddress(text: string): Address | null {
  const value = text.trim();
  // Four-part decimal only: ipaddr would also read `127.1` or `0x7f000001`, forms no proxy writes.
  if (!ipaddr.IPv4.isValidFourPartDecimal(value) && !ipaddr.IPv6.isValid(value)) return null;
  return ipaddr.process(value);
}

function isTrusted(address: Address, trusted: TrustedProxies): boolean {
  return trusted.some(([network, bits]) => network.kind() === address.kind() && address.match(network, bits));
}

/**
 * The client's IP: the TCP peer, unless the peer is a trusted proxy; then the right-most X-Forwarded-For entry
 * that is not a trusted proxy (each proxy appends the address it was connected from, so everything to the left of
 * the first untrusted hop is whatever that client chose to send). If every hop is trusted, the left-most one.
 * An entry that isn't an address ends the walk at the last hop we could believe, so garbage can't pick an IP either.
 * Null when the peer is unknown.
 */
export function clientIpOf(peer: string | null, forwardedFor: string | null, trusted: TrustedProxies): string | null {
  let client = peer === null ? null : parseAddress(peer);
  if (!client) return null;
  const hops = forwardedFor?.trim() ? forwardedFor.split(',').reverse() : [];
  for (const hop of hops) {
    if (!isTrusted(client, trusted)) break;
    const address = parseAddress(hop);
    if (!address) break;
    client = address;
  }
  return client.toString();
}
