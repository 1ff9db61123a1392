import { describe, expect, it } from 'vitest';
import { clientIpOf, parseTrustedProxies } from './client-ip';

const none = parseTrustedProxies(undefined);
const proxies = parseTrustedProxies('127.0.0.1/32, 10.0.0.0/8, ::1');

describe('clientIpOf', () => {
  it('without trusted proxies is the TCP peer, whatever X-Forwarded-For says', () => {
    expect(clientIpOf('203.0.113.9', null, none)).toBe('203.0.113.9');
    expect(clientIpOf('203.0.113.9', '198.51.100.1', none)).toBe('203.0.113.9');
    expect(clientIpOf('127.0.0.1', '198.51.100.1, 127.0.0.1', none)).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For when the peer is not a trusted proxy', () => {
    expect(clientIpOf('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
    expect(clientIpOf('203.0.113.9', '10.0.0.5, 127.0.0.1', proxies)).toBe('203.0.113.9');
  });

  it('behind trusted proxies is the right-most entry that is not one of them', () => {
    expect(clientIpOf('127.0.0.1', '198.51.100.7', proxies)).toBe('198.51.100.7');
    // The client prepended entries of its own: the proxy's appended entry is the one believed.
    expect(clientIpOf('127.0.0.1', '1.2.3.4, 5.6.7.8, 198.51.100.7', proxies)).toBe('198.51.100.7');
    // Two proxies in a row (10.x forwarded to 127.0.0.1).
    expect(clientIpOf('127.0.0.1', '1.2.3.4, 198.51.100.7, 10.1.2.3', proxies)).toBe('198.51.100.7');
    // A client claiming to be a trusted proxy only moves the walk past itself to its real address.
    expect(clientIpOf('127.0.0.1', '198.51.100.7, 10.9.9.9', proxies)).toBe('198.51.100.7');
  });

  it('is the left-most hop when every hop is trusted, and the peer when there is no header', () => {
    expect(clientIpOf('127.0.0.1', '10.0.0.2, 10.0.0.1', proxies)).toBe('10.0.0.2');
    expect(clientIpOf('127.0.0.1', null, proxies)).toBe('127.0.0.1');
    expect(clientIpOf('127.0.0.1', '  ', proxies)).toBe('127.0.0.1');
  });

  it('compares IPv4-mapped IPv6 addresses as IPv4, and handles IPv6 hops', () => {
    expect(clientIpOf('::ffff:127.0.0.1', '198.51.100.7', proxies)).toBe('198.51.100.7');
    expect(clientIpOf('::ffff:203.0.113.9', '198.51.100.7', proxies)).toBe('203.0.113.9');
    expect(clientIpOf('::1', '2001:db8::1', proxies)).toBe('2001:db8::1');
    expect(clientIpOf('127.0.0.1', '2001:db8::1, ::ffff:10.0.0.1', proxies)).toBe('2001:db8::1');
    expect(clientIpOf('127.0.0.1', '::ffff:198.51.100.7', proxies)).toBe('198.51.100.7');
    expect(clientIpOf('127.0.0.1', '198.51.100.7', parseTrustedProxies('::ffff:127.0.0.0/104'))).toBe('198.51.100.7');
  });

  it('stops at garbage at the last hop it could believe, so garbage never picks an address', () => {
    expect(clientIpOf('127.0.0.1', 'not-an-ip', proxies)).toBe('127.0.0.1');
    expect(clientIpOf('127.0.0.1', '198.51.100.7, , 10.0.0.1', proxies)).toBe('10.0.0.1');
    expect(clientIpOf('127.0.0.1', '198.51.100.7:4711', proxies)).toBe('127.0.0.1');
    expect(clientIpOf('127.0.0.1', '127.1', proxies)).toBe('127.0.0.1');
    expect(clientIpOf('127.0.0.1', '0x7f000001', proxies)).toBe('127.0.0.1');
    expect(clientIpOf('127.0.0.1', '1.2.3.4 5.6.7.8', proxies)).toBe('127.0.0.1');
  });

  it('is null when the peer is unknown or not an address', () => {
    expect(clientIpOf(null, '198.51.100.7', proxies)).toBeNull();
    expect(clientIpOf('garbage', '198.51.100.7', proxies)).toBeNull();
  });
});

describe('parseTrustedProxies', () => {
  it('accepts ranges and bare addresses, and names an entry that is neither', () => {
    expect(parseTrustedProxies('10.0.0.0/8,,::1')).toHaveLength(2);
    expect(() => parseTrustedProxies('10.0.0.0/8, 10.0.0/33')).toThrow(/"10\.0\.0\/33"/);
    expect(() => parseTrustedProxies('proxy.internal')).toThrow(/ROSTER_TRUSTED_PROXIES/);
  });
});
