import 'server-only';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Turns a host name into the addresses a connection would use. Injected in tests; DNS otherwise. */
export type Resolve = (hostname: string) => Promise<string[]>;

export const resolveWithDns: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** The ports webhook URLs may use unless ROSTER_WEBHOOK_ALLOWED_PORTS says otherwise. */
export const defaultWebhookPorts: readonly number[] = [443, 80];

/**
 * Where outgoing webhooks may go: public addresses on the allowed ports. Private networks (and any port, and
 * `http://`) only when ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 (development, tests).
 */
export interface NetworkPolicy {
  allowPrivateNetworks: boolean;
  resolve: Resolve;
  /** Ports a URL may name (or imply: 443 for https, 80 for http); `defaultWebhookPorts` when absent. */
  allowedPorts?: readonly number[];
}

export function networkPolicyFromEnv(env: Record<string, string | undefined> = process.env): NetworkPolicy {
  return { allowPrivateNetworks: env.ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS === '1', resolve: resolveWithDns, allowedPorts: allowedPortsFrom(env.ROSTER_WEBHOOK_ALLOWED_PORTS) };
}

/** ROSTER_WEBHOOK_ALLOWED_PORTS: comma-separated port numbers, e.g. `443,80,8443`. */
export function allowedPortsFrom(setting: string | undefined): readonly number[] {
  if (setting === undefined || setting.trim() === '') return defaultWebhookPorts;
  return setting.split(',').map((part) => {
    const port = Number(part.trim());
    if (!/^\d+$/.test(part.trim()) || port < 1 || port > 65_535) {
      throw new RangeError(`ROSTER_WEBHOOK_ALLOWED_PORTS must list port numbers (1-65535) separated by commas, got "${setting}"`);
    }
    return port;
  });
}

// IANA's IPv4 Special-Purpose Address Registry, every block that is not globally reachable (and those that are but
// serve no webhook: AS112, AMT, the 6to4 relay), plus multicast and the reserved 240/4 with the broadcast address.
const specialIpv4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, with the cloud metadata address 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (DS-Lite, NAT64 discovery, …)
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.31.196.0', 24], // AS112
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // AS112 direct delegation
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 (limited broadcast)
];

// IPv6 blocks (/96) that embed an IPv4 address in their last 32 bits and reach it, written as the text before it:
// IPv4-mapped, and NAT64's well-known prefix (what DNS64 answers on an IPv6-only network). Judged by that address.
const ipv4Embeddings = ['::ffff:', '64:ff9b::'];

// Only global unicast (2000::/3) can be public; that alone refuses ::/96 (IPv4-compatible, with :: and ::1),
// 64:ff9b:1::/48 (local NAT64), 100::/64 (discard), 5f00::/16 (SRv6), fc00::/7, fe80::/10, fec0::/10, ff00::/8 and
// every block not yet allocated. Inside it, IANA's IPv6 Special-Purpose blocks that are not globally reachable or
// that tunnel to an IPv4 address of their own choosing:
const specialIpv6InGlobalUnicast: readonly (readonly [string, number])[] = [
  ['2001::', 23], // IETF protocol assignments, with Teredo (2001::/32), benchmarking and ORCHID
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['3fff::', 20], // documentation
];

const blockListOf = (ranges: readonly (readonly [string, number])[], family: 'ipv4' | 'ipv6') => {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family);
  return list;
};

const refusedIpv4 = blockListOf(specialIpv4, 'ipv4');
const embedsIpv4 = blockListOf(ipv4Embeddings.map((prefix) => [`${prefix}0.0.0.0`, 96] as const), 'ipv6');
const refusedEmbedded = blockListOf(ipv4Embeddings.flatMap((prefix) => specialIpv4.map(([network, length]) => [`${prefix}${network}`, 96 + length] as const)), 'ipv6');
const globalUnicast = blockListOf([['2000::', 3]], 'ipv6');
const refusedIpv6 = blockListOf(specialIpv6InGlobalUnicast, 'ipv6');

/**
 * Whether an address is on the public internet: an IPv4 address outside every special-purpose block above; an IPv6
 * address in global unicast outside its special-purpose blocks; an IPv4-mapped or NAT64 address when the IPv4 address
 * inside it is public. Anything that is not an address (by Node's strict parser) is not public.
 */
export function isPublicAddress(address: string): boolean {
  switch (isIP(address)) {
    case 4:
      return !refusedIpv4.check(address, 'ipv4');
    case 6:
      if (embedsIpv4.check(address, 'ipv6')) return !refusedEmbedded.check(address, 'ipv6');
      return globalUnicast.check(address, 'ipv6') && !refusedIpv6.check(address, 'ipv6');
    default:
      return false;
  }
}

/** The port a URL connects to: its own, or its scheme's. */
const portOf = (url: URL) => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** What the URL itself gets wrong: its scheme or its port. */
function urlRefusal(url: URL, policy: NetworkPolicy): string | null {
  if (policy.allowPrivateNetworks) return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'The URL must start with https:// or http://';
  if (url.protocol !== 'https:') return 'The URL must start with https://';
  const allowed = policy.allowedPorts ?? defaultWebhookPorts;
  return allowed.includes(portOf(url)) ? null : `Port ${portOf(url)} is not allowed for webhooks (allowed: ${allowed.join(', ')})`;
}

const addressRefusal = (hostname: string, addresses: string[]) =>
  addresses.every(isPublicAddress) ? null : `The host ${hostname} is on a private or reserved network, which webhooks may not reach`;

/** Why `url` may not receive webhooks under `policy`, or null if it may. Resolves the host (the check at creation). */
export async function refusalFor(url: URL, policy: NetworkPolicy): Promise<string | null> {
  const refusal = urlRefusal(url, policy);
  if (refusal || policy.allowPrivateNetworks) return refusal;
  let addresses: string[];
  try {
    addresses = await addressesOf(url.hostname, policy.resolve);
  } catch {
    return `The host ${url.hostname} does not resolve`;
  }
  return addressRefusal(url.hostname, addresses);
}

/**
 * The address one connection to `url` goes to, resolved and checked for this very connection, so a host that
 * resolved to a public address when the endpoint was saved but to a private one now (DNS rebinding) is refused.
 * Throws `refused: <why>` when the policy forbids it, or the resolver's error.
 */
export async function checkedAddress(url: URL, policy: NetworkPolicy): Promise<{ address: string; family: 4 | 6 }> {
  const refusal = urlRefusal(url, policy);
  if (refusal) throw new Error(`refused: ${refusal}`);
  const addresses = await addressesOf(url.hostname, policy.resolve);
  const addressRefused = policy.allowPrivateNetworks ? null : addressRefusal(url.hostname, addresses);
  if (addressRefused) throw new Error(`refused: ${addressRefused}`);
  const address = addresses[0]!;
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

/** The addresses of a URL host: a literal IP as itself (without IPv6 brackets), a name through `resolve`. */
export async function addressesOf(hostname: string, resolve: Resolve): Promise<string[]> {
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal)) return [literal];
  const addresses = await resolve(literal);
  if (addresses.length === 0) throw new Error(`${hostname} has no address`);
  return addresses;
}
