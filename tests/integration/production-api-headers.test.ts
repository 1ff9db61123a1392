import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killStartedServers, npmStart, serverDatabase, signInOwner, type ProductionServer, type ServerDatabase } from '../support/production-server';

// The real production server (`npm start`, scripts/server.mjs in front of Next): what its API answers carry in their
// head, and what it says at start about ROSTER_BASE_URL.

const allowedOrigin = 'https://app.example.com';
// Each server on an embedded database of its own: one embedded database serves one process.
const databases: ServerDatabase[] = [];
/** Listening on every interface, with ROSTER_BASE_URL (its loopback origin) and CORS for one origin. */
let configured: ProductionServer;

async function start(env: Record<string, string>, hostname: string): Promise<ProductionServer> {
  const database = await serverDatabase('pglite');
  databases.push(database);
  return npmStart(database.env, env, { hostname });
}

beforeAll(async () => {
  configured = await start({ ROSTER_CORS_ORIGINS: allowedOrigin }, '0.0.0.0');
});
afterAll(async () => {
  killStartedServers();
  for (const database of databases) await database.remove();
});

/** The JSON lines the server logged. */
const logLines = (server: ProductionServer) =>
  server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string; address?: string });

describe('API responses from the production server', () => {
  it('carry no Next-internal Vary values: Origin where CORS answered, Accept-Encoding where compressed', async () => {
    const token = await signInOwner(configured.origin);
    const bearer = { authorization: `Bearer ${token}` };
    const cases: [string, Record<string, string>, string | null][] = [
      ['/api/v1/users', bearer, null],
      ['/api/v1/users', { ...bearer, origin: allowedOrigin }, 'Origin'],
      ['/api/v1/users?bogus=1', bearer, null],
      ['/api/v1/users/not-a-uuid', bearer, null],
      ['/api/v1/me', { ...bearer, origin: allowedOrigin }, 'Origin'],
      // Over 1 KiB: Next compresses it, and says so.
      ['/api/v1/openapi.json', { 'accept-encoding': 'gzip' }, 'Accept-Encoding'],
      ['/api/v1/no-such-route', bearer, null],
    ];
    for (const [path, headers, vary] of cases) {
      const response = await fetch(`${configured.origin}${path}`, { headers });
      await response.arrayBuffer();
      expect(response.headers.get('vary'), path).toBe(vary);
      const internal = [...response.headers.keys()].filter((name) => /^x-next|^x-middleware|^x-invoke|^x-matched-path/i.test(name));
      expect(internal, path).toEqual([]);
    }
    // A preflight, too.
    const preflight = await fetch(`${configured.origin}/api/v1/users`, {
      method: 'OPTIONS',
      headers: { origin: allowedOrigin, 'access-control-request-method': 'PATCH' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(preflight.headers.get('vary')).toBe('Origin');
  });

  it('leaves pages theirs: the console still varies on Next’s navigation headers', async () => {
    const response = await fetch(`${configured.origin}/sign-in`);
    await response.arrayBuffer();
    expect(response.headers.get('vary')).toContain('rsc');
  });
});

describe('ROSTER_BASE_URL at start', () => {
  it('unset on a server listening beyond loopback: one JSON warning line says so and what links will say', async () => {
    const exposed = await start({ ROSTER_BASE_URL: '' }, '0.0.0.0');
    const warnings = logLines(exposed).filter((line) => line.msg.includes('ROSTER_BASE_URL'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, address: '0.0.0.0' });
    expect(warnings[0]!.msg).toMatch(/ROSTER_BASE_URL is unset and the server listens beyond loopback .*http:\/\/localhost:\d+/);
  });

  it('unset on loopback, or set: no warning', async () => {
    const local = await start({ ROSTER_BASE_URL: '' }, '127.0.0.1');
    for (const server of [local, configured]) {
      expect(logLines(server).some((line) => line.msg.startsWith('ready on'))).toBe(true);
      expect(logLines(server).filter((line) => line.msg.includes('ROSTER_BASE_URL'))).toEqual([]);
    }
  });
});

describe('the start log', () => {
  it('is JSON lines only (pino), with no stack trace, after serving pages signed out and signed in', async () => {
    const token = await signInOwner(configured.origin);
    for (const [path, headers] of [['/sign-in', {}], ['/users', { authorization: `Bearer ${token}` }], ['/api/docs', {}], ['/icon.svg', {}]] as const) {
      await (await fetch(`${configured.origin}${path}`, { headers, redirect: 'manual' })).arrayBuffer();
    }
    // npm's own two-line banner (`> roster@… start`, `> exec node … scripts/start.mjs …`) is npm's, not the server's.
    const lines = configured.output().split('\n').filter((line) => line.trim() !== '' && !line.startsWith('> '));
    expect(lines.length).toBeGreaterThan(0);
    const notJson = lines.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    expect(lines.filter((line) => line.includes('"stack"'))).toEqual([]);
  });
});
