import { describe, expect, it } from 'vitest';
import { allowedPortsFrom, checkedAddress, isPublicAddress, networkPolicyFromEnv, refusalFor, type NetworkPolicy } from './network';

// The SSRF policy of outgoing webhooks, address by address and URL by URL. Every block of IANA's IPv4 and IPv6
// special-purpose registries that is not globally reachable is refused, as are the forms that smuggle an IPv4
// address inside IPv6 (IPv4-compatible, IPv4-mapped, NAT64, 6to4, Teredo).

const refusedAddresses: [string, string][] = [
  ['0.0.0.0', '"this network" 0/8'],
  ['0.1.2.3', '"this network" 0/8'],
  ['10.0.0.1', 'private 10/8'],
  ['10.255.255.255', 'private 10/8'],
  ['100.64.0.1', 'shared (CGNAT) 100.64/10'],
  ['100.127.255.254', 'shared (CGNAT) 100.64/10'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'link-local: cloud metadata'],
  ['172.16.0.1', 'private 172.16/12'],
  ['172.31.255.255', 'private 172.16/12'],
  ['192.0.0.1', 'IETF protocol assignments 192.0.0/24'],
  ['192.0.0.170', 'NAT64 discovery'],
  ['192.0.2.1', 'TEST-NET-1'],
  ['192.31.196.1', 'AS112'],
  ['192.52.193.1', 'AMT'],
  ['192.88.99.1', '6to4 relay anycast'],
  ['192.168.1.1', 'private 192.168/16'],
  ['192.175.48.1', 'AS112 direct delegation'],
  ['198.18.0.1', 'benchmarking 198.18/15'],
  ['198.19.255.254', 'benchmarking 198.18/15'],
  ['198.51.100.7', 'TEST-NET-2'],
  ['203.0.113.9', 'TEST-NET-3'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast (SSDP)'],
  ['240.0.0.1', 'reserved 240/4'],
  ['255.255.255.255', 'limited broadcast'],
  ['::', 'IPv6 unspecified'],
  ['::1', 'IPv6 loopback'],
  ['::127.0.0.1', 'IPv4-compatible (::/96), dotted'],
  ['::7f00:1', 'IPv4-compatible (::/96), hex'],
  ['::8.8.8.8', 'IPv4-compatible, even of a public address'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
  ['::ffff:10.0.0.1', 'IPv4-mapped private'],
  ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
  ['0:0:0:0:0:ffff:c0a8:101', 'IPv4-mapped private, long form'],
  ['64:ff9b::7f00:1', 'NAT64 of loopback'],
  ['64:ff9b::10.0.0.1', 'NAT64 of private'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
  ['64:ff9b:1::1', 'local-use NAT64 64:ff9b:1::/48'],
  ['100::1', 'discard-only 100::/64'],
  ['2001::1', 'Teredo 2001::/32'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
  ['2001:2::1', 'benchmarking 2001:2::/48'],
  ['2001:10::1', 'ORCHID'],
  ['2001:db8::1', 'documentation 2001:db8::/32'],
  ['2002:7f00:1::1', '6to4 of loopback'],
  ['2002:808:808::1', '6to4, even of a public address'],
  ['3fff::1', 'documentation 3fff::/20'],
  ['5f00::1', 'segment routing 5f00::/16'],
  ['fc00::1', 'unique local fc00::/7'],
  ['fd12:3456:789a::1', 'unique local fc00::/7'],
  ['fe80::1', 'link-local fe80::/10'],
  ['fec0::1', 'site-local (deprecated)'],
  ['ff02::1', 'multicast ff00::/8'],
  ['not-an-address', 'not an address'],
  ['1.2.3', 'not an address by the strict parser'],
  ['0x7f.1', 'not an address by the strict parser'],
  ['', 'empty'],
];

const publicAddresses: [string, string][] = [
  ['8.8.8.8', 'public IPv4'],
  ['1.1.1.1', 'public IPv4'],
  ['93.184.216.34', 'public IPv4'],
  ['100.63.255.255', 'just below CGNAT'],
  ['100.128.0.0', 'just above CGNAT'],
  ['172.15.255.255', 'just below 172.16/12'],
  ['172.32.0.0', 'just above 172.16/12'],
  ['198.17.255.255', 'just below benchmarking'],
  ['198.20.0.0', 'just above benchmarking'],
  ['223.255.255.255', 'just below multicast'],
  ['2606:4700:4700::1111', 'public IPv6'],
  ['2a00:1450:4001:80b::200e', 'public IPv6'],
  ['2001:200::1', 'just above 2001::/23'],
  ['2620:4f:8000::1', 'AS112 v6 direct delegation: globally reachable'],
  ['::ffff:8.8.8.8', 'IPv4-mapped public'],
  ['::ffff:808:808', 'IPv4-mapped public, hex'],
  ['64:ff9b::8.8.8.8', 'NAT64 of a public address (DNS64 on an IPv6-only network)'],
  ['64:ff9b::808:808', 'NAT64 of a public address, hex'],
];

describe('isPublicAddress', () => {
  it.each(refusedAddresses)('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(publicAddresses)('allows %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

// Every name resolves to a public address here unless the table says otherwise: what is refused is refused for
// its literal address, its port or its scheme.
const strict: NetworkPolicy = { allowPrivateNetworks: false, resolve: async (host) => (host === 'internal.example' ? ['10.0.0.7'] : host === 'mixed.example' ? ['8.8.8.8', '::1'] : ['93.184.216.34']) };

const refusedUrls: [string, RegExp][] = [
  // WHATWG URL parsing turns every IPv4 spelling into dotted decimal before the check sees it.
  ['https://2130706433/hooks', /private or reserved/], // decimal: 127.0.0.1
  ['https://0x7f.1/hooks', /private or reserved/], // hex and short: 127.0.0.1
  ['https://0x7f000001/hooks', /private or reserved/],
  ['https://0177.0.0.1/hooks', /private or reserved/], // octal: 127.0.0.1
  ['https://017700000001/hooks', /private or reserved/], // octal, one number
  ['https://127.1/hooks', /private or reserved/],
  ['https://0/hooks', /private or reserved/], // 0.0.0.0
  ['https://127.0.0.1./hooks', /private or reserved/], // trailing dot
  ['https://１２７.0.0.1/hooks', /private or reserved/], // full-width digits
  ['https://169.254.169.254/latest/meta-data', /private or reserved/],
  ['https://[::1]/hooks', /private or reserved/],
  ['https://[::127.0.0.1]/hooks', /private or reserved/], // IPv4-compatible: the URL keeps it as [::7f00:1]
  ['https://[::7f00:1]/hooks', /private or reserved/],
  ['https://[::ffff:127.0.0.1]/hooks', /private or reserved/],
  ['https://[0:0:0:0:0:ffff:a00:1]/hooks', /private or reserved/],
  ['https://[64:ff9b::127.0.0.1]/hooks', /private or reserved/],
  ['https://[2002:7f00:1::]/hooks', /private or reserved/],
  ['https://[2001:db8::1]/hooks', /private or reserved/],
  ['https://[fe80::1]/hooks', /private or reserved/],
  ['https://[fd00::1]/hooks', /private or reserved/],
  ['https://[ff02::1]/hooks', /private or reserved/],
  ['https://internal.example/hooks', /private or reserved/],
  ['https://mixed.example/hooks', /private or reserved/], // one address of several is enough to refuse
  ['http://hooks.example.com/roster', /must start with https/],
  ['ftp://hooks.example.com/roster', /must start with https/],
  ['https://hooks.example.com:8443/roster', /Port 8443 is not allowed.*443, 80/],
  ['https://hooks.example.com:22/roster', /Port 22 is not allowed/],
  ['https://hooks.example.com:6379/roster', /Port 6379 is not allowed/],
  ['https://8.8.8.8:25/hooks', /Port 25 is not allowed/],
];

const allowedUrls = [
  'https://hooks.example.com/roster',
  'https://hooks.example.com:443/roster', // the default port, written out (the URL drops it)
  'https://hooks.example.com:80/roster', // allowed by default, even for https
  'https://8.8.8.8/hooks',
  'https://[2606:4700:4700::1111]/hooks',
  'https://[::ffff:8.8.8.8]/hooks',
  'https://[64:ff9b::8.8.8.8]/hooks',
];

describe('refusalFor (when an endpoint is saved)', () => {
  it.each(refusedUrls)('refuses %s', async (url, why) => {
    expect(await refusalFor(new URL(url), strict)).toMatch(why);
  });

  it.each(allowedUrls)('allows %s', async (url) => {
    expect(await refusalFor(new URL(url), strict)).toBeNull();
  });

  it('refuses a host that does not resolve', async () => {
    expect(await refusalFor(new URL('https://nowhere.example/'), { ...strict, resolve: async () => [] })).toMatch(/does not resolve/);
    expect(await refusalFor(new URL('https://nowhere.example/'), { ...strict, resolve: () => Promise.reject(new Error('ENOTFOUND')) })).toMatch(/does not resolve/);
  });

  it('allows the ports ROSTER_WEBHOOK_ALLOWED_PORTS lists, and only those', async () => {
    const policy = { ...strict, allowedPorts: allowedPortsFrom('443, 8443') };
    expect(await refusalFor(new URL('https://hooks.example.com:8443/'), policy)).toBeNull();
    expect(await refusalFor(new URL('https://hooks.example.com/'), policy)).toBeNull();
    expect(await refusalFor(new URL('https://hooks.example.com:80/'), policy)).toMatch(/Port 80 is not allowed for webhooks \(allowed: 443, 8443\)/);
  });

  it('with ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS=1 allows loopback, private networks, http:// and any port, but no other scheme', async () => {
    const open = networkPolicyFromEnv({ ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS: '1' });
    for (const url of ['http://127.0.0.1:4000/hooks', 'https://10.0.0.1:8443/hooks', 'http://[::1]:9/', 'http://2130706433:22/']) {
      expect(await refusalFor(new URL(url), open), url).toBeNull();
    }
    expect(await refusalFor(new URL('ftp://127.0.0.1/'), open)).toMatch(/https:\/\/ or http:\/\//);
  });
});

describe('checkedAddress (at each connection)', () => {
  it('returns the checked address to connect to', async () => {
    expect(await checkedAddress(new URL('https://hooks.example.com/'), strict)).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await checkedAddress(new URL('https://[2606:4700:4700::1111]/'), strict)).toEqual({ address: '2606:4700:4700::1111', family: 6 });
  });

  it.each(refusedUrls)('refuses %s', async (url, why) => {
    await expect(checkedAddress(new URL(url), strict)).rejects.toThrow(why);
  });
});

describe('the configuration', () => {
  it('defaults to ports 443 and 80, and reads a comma-separated list', () => {
    expect(networkPolicyFromEnv({}).allowedPorts).toEqual([443, 80]);
    expect(networkPolicyFromEnv({ ROSTER_WEBHOOK_ALLOWED_PORTS: '' }).allowedPorts).toEqual([443, 80]);
    expect(networkPolicyFromEnv({ ROSTER_WEBHOOK_ALLOWED_PORTS: '443,80,8443' }).allowedPorts).toEqual([443, 80, 8443]);
    expect(networkPolicyFromEnv({}).allowPrivateNetworks).toBe(false);
  });

  it.each(['0', '65536', 'https', '443,', '443;80', '44.3', '-1'])('refuses ROSTER_WEBHOOK_ALLOWED_PORTS=%s', (setting) => {
    expect(() => allowedPortsFrom(setting)).toThrow(/ROSTER_WEBHOOK_ALLOWED_PORTS/);
  });
});
