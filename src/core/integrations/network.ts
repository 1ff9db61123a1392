import 'server-only';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Turns a host name into the addresses a connection would use. Injected in tests; DNS otherwise. */
export type Resolve = (hostname: string) => Promise<string[]>;

export const resolveWithDns: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Where outgoing webhooks may go. Private networks only when ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 (development, tests). */
export interface NetworkPolicy {
  allowPrivateNetworks: boolean;
  resolve: Resolve;
}

export function networkPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): NetworkPolicy {
  return { allowPrivateNetworks: env.ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS === '1', resolve: resolveWithDns };
}

/**
 * Whether an address is on the public internet. Everything else is refused: loopback, private (10/8, 172.16/12,
 * 192.168/16, fc00::/7), link-local (169.254/16 with the cloud metadata address, fe80::/10), CGNAT (100.64/10),
 * multicast, broadcast, unspecified and reserved ranges; an IPv4-mapped IPv6 address counts as the IPv4 it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** Why `url` may not receive webhooks under `policy`, or null if it may. Resolves the host (the check at creation). */
export async function refusalFor(url: URL, policy: NetworkPolicy): Promise<string | null> {
  if (url.protocol !== 'https:' && !(policy.allowPrivateNetworks && url.protocol === 'http:')) return 'The URL must start with https://';
  if (policy.allowPrivateNetworks) return null;
  let addresses: string[];
  try {
    addresses = await addressesOf(url.hostname, policy.resolve);
  } catch {
    return `The host ${url.hostname} does not resolve`;
  }
  return addresses.every(isPublicAddress) ? null : `The host ${url.hostname} is on a private or reserved network, which webhooks may not reach`;
}

/** The addresses of a URL host: a literal IP as itself (without IPv6 brackets), a name through `resolve`. */
export async function addressesOf(hostname: string, resolve: Resolve): Promise<string[]> {
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal)) return [literal];
  const addresses = await resolve(literal);
  if (addresses.length === 0) throw new Error(`${hostname} has no address`);
  return addresses;
}
