import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { peerAddressHeader } from '@/http/peer-address';
import { requestClientIp } from '@/http/request-client-ip';
import { stampPeerAddresses } from '@/server/peer-address-ingress';

// The client IP over real TCP connections: a node:http server with the ingress installed, answering with the IP
// the per-IP limits would count the request under. (The cluster test checks the same through HAProxy and Next.)
let server: http.Server;
let origin: string;

beforeAll(async () => {
  stampPeerAddresses();
  server = http.createServer((req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    res.end(JSON.stringify({ ip: requestClientIp(headers) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  delete process.env.ROSTER_TRUSTED_PROXIES;
});

const ipSeenFor = async (headers: Record<string, string>) => ((await (await fetch(origin, { headers })).json()) as { ip: string | null }).ip;

describe('the client IP over HTTP', () => {
  it('is the TCP peer without configuration, whatever X-Forwarded-For claims', async () => {
    expect(await ipSeenFor({})).toBe('127.0.0.1');
    expect(await ipSeenFor({ 'x-forwarded-for': '198.51.100.7' })).toBe('127.0.0.1');
  });

  it('cannot be forged through the ingress header itself', async () => {
    expect(await ipSeenFor({ [peerAddressHeader]: '198.51.100.7' })).toBe('127.0.0.1');
    process.env.ROSTER_TRUSTED_PROXIES = '127.0.0.1/32';
    expect(await ipSeenFor({ [peerAddressHeader]: '10.0.0.1 guess', 'x-forwarded-for': '198.51.100.7' })).toBe('198.51.100.7');
  });

  it('behind a trusted proxy is the right-most entry the proxy did not trust', async () => {
    process.env.ROSTER_TRUSTED_PROXIES = '127.0.0.1/32';
    expect(await ipSeenFor({ 'x-forwarded-for': '1.2.3.4, 198.51.100.7' })).toBe('198.51.100.7');
    process.env.ROSTER_TRUSTED_PROXIES = '10.0.0.0/8';
    expect(await ipSeenFor({ 'x-forwarded-for': '198.51.100.7' })).toBe('127.0.0.1');
  });
});
