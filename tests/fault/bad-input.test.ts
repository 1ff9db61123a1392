import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../scripts/build-if-stale.mjs';
import { killStartedServers, npmStart, type ProductionServer } from '../support/production-server';
import { abandonedRequest, rawRequest, requestBytes } from '../support/raw-http';

// The production server (`npm start`) on the embedded database, fed over bare sockets what browsers and fetch never
// send: methods Roster doesn't serve, malformed requests, connections closed half-way. Each must get a 4xx (or
// nothing, when the client is gone), never a 5xx, and leave the server serving with nothing in its log.

const root = path.resolve(import.meta.dirname, '../..');
let server: ProductionServer;
let port: number;

beforeAll(async () => {
  buildIfStale({ log: () => {} });
  server = await npmStart({ DATABASE_URL: '', ROSTER_DATA_DIR: 'memory://' });
  port = Number(new URL(server.origin).port);
}, 900_000);

afterAll(killStartedServers);

const send = (bytes: string) => rawRequest(port, bytes);
const staticAsset = () => `/_next/static/chunks/${readdirSync(path.join(root, '.next/static/chunks')).find((file) => file.endsWith('.js'))}`;

describe('methods Roster does not serve', () => {
  it.each([
    ['TRACE', 405],
    ['CONNECT', 405],
    ['PROPFIND', 405],
    ['FOO', 405],
    ['get', 405],
  ])('%s answers %d with Allow on pages, the API, the docs and static assets', async (method, status) => {
    for (const target of ['/', '/users', '/api/health', '/api/v1/users', '/api/docs', staticAsset()]) {
      const answer = await send(requestBytes(method, target));
      expect({ target, status: answer?.status, allow: answer?.headers.allow }).toEqual({ target, status, allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' });
      expect(answer!.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" });
      if (target.startsWith('/api/')) {
        expect(answer!.headers['content-type']).toBe('application/problem+json');
        expect(JSON.parse(answer!.body)).toMatchObject({ status, instance: target });
      } else {
        expect(answer!.headers['content-type']).toBe('text/plain; charset=utf-8');
      }
    }
  });
});

describe('malformed requests', () => {
  const host = 'Host: localhost\r\n';
  it.each([
    ['no request target', 400, 'GET\r\n\r\n'],
    ['an unknown HTTP version', 400, `GET / HTTP/9.9\r\n${host}\r\n`],
    ['a space in the target', 400, `GET /a b HTTP/1.1\r\n${host}\r\n`],
    ['binary garbage', 400, '\x00\x01\x02\xff\r\n\r\n'],
    ['no Host', 400, 'GET /api/health HTTP/1.1\r\n\r\n'],
    ['a header line without a colon', 400, `GET /api/health HTTP/1.1\r\n${host}NoColon\r\n\r\n`],
    ['headers past 16 KB', 431, `GET /api/health HTTP/1.1\r\n${host}X-Big: ${'x'.repeat(20_000)}\r\n\r\n`],
    ['Content-Length and Transfer-Encoding both', 400, `POST /api/v1/users HTTP/1.1\r\n${host}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}`],
    ['two different Content-Lengths', 400, `POST /api/v1/users HTTP/1.1\r\n${host}Content-Length: 1\r\nContent-Length: 2\r\n\r\n{}`],
    ['a chunk size that is no number', 400, `POST /api/v1/users HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`],
    ['the asterisk target with another method than OPTIONS', 400, requestBytes('GET', '*')],
  ])('%s: %d', async (_, status, bytes) => {
    expect((await send(bytes))?.status).toBe(status);
  });

  it.each([
    ['an absolute-form target naming another host', requestBytes('GET', 'http://elsewhere.example/api/health')],
    ['a target of dots and percents', requestBytes('GET', '/%2e%2e/%2e%2e/etc/passwd')],
    ['a Server Action post with an undecodable body', requestBytes('POST', '/users', { headers: { 'Next-Action': '00ff', 'Content-Type': 'text/plain' }, body: '\u0000{' })],
  ])('%s: not a 5xx', async (_, bytes) => {
    const answer = await send(bytes);
    expect(answer?.status).toBeGreaterThanOrEqual(200);
    expect(answer?.status).toBeLessThan(500);
  });
});

it('OPTIONS * (the server as a whole) answers 204 with Allow', async () => {
  const answer = await send(requestBytes('OPTIONS', '*'));
  expect({ status: answer?.status, allow: answer?.headers.allow }).toEqual({ status: 204, allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' });
});

describe('connections closed early', () => {
  it('at any point of a request, hung up or said goodbye, leave the server serving', async () => {
    const post = requestBytes('POST', '/api/v1/users', { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'early@close.test', name: 'Early' }) });
    const action = requestBytes('POST', '/users', { headers: { 'Next-Action': '00ff', 'Content-Type': 'text/plain;charset=UTF-8' }, body: '["x"]' });
    const points = ['', 'GET /api/v1/us', 'GET /api/health HTTP/1.1\r\nHost: localhost\r\n', post.slice(0, post.indexOf('\r\n\r\n') + 4), post.slice(0, -5), post, action.slice(0, -2), action];
    for (const bytes of points) {
      await abandonedRequest(port, bytes, 'end');
      await abandonedRequest(port, bytes, 'destroy');
    }
    const health = await fetch(`${server.origin}/api/health`);
    expect(health.status).toBe(200);
    expect((await send(requestBytes('TRACE', '/api/health')))?.status).toBe(405);
  });
});

describe('the server log', () => {
  it('shows no failure from any of it', () => {
    expect(server.output()).not.toMatch(/request failed outside the app|⨯|uncaught|"level":50/i);
  });
});
