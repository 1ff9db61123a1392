import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as docsPage } from '../../app/api/docs/route';
import { proxy } from '../../proxy';
import { reservePorts } from '../support/ports';

// The security headers of issue 26.17 where they are made: the pages' policy in proxy.ts, the API docs page's own,
// and, on the production server, HSTS with the fixed headers on every kind of response. Real browsers under these
// policies: tests/e2e/security-headers.spec.ts and security-headers-no-js.spec.ts.

afterEach(() => vi.unstubAllEnvs());

/** The sources of one directive of a policy. */
function directive(policy: string | null, name: string): string[] | undefined {
  const found = policy?.split(';').map((part) => part.trim().split(/\s+/)).find(([first]) => first === name);
  return found?.slice(1);
}

describe('proxy.ts', () => {
  const page = (pathname: string, init?: ConstructorParameters<typeof NextRequest>[1]) => proxy(new NextRequest(`http://roster.test${pathname}`, init));
  const signedIn = { headers: { cookie: 'roster.session_token=anything' } };

  it('gives every page response a script policy with a nonce of its own, and hands the same policy to Next', async () => {
    const [first, second] = [await page('/users', signedIn), await page('/users', signedIn)];
    const policy = first.headers.get('content-security-policy');
    const [nonce] = directive(policy, 'script-src')!.filter((source) => source.startsWith("'nonce-"));
    expect(nonce).toMatch(/^'nonce-[A-Za-z0-9+/]{22}=='$/);
    expect(directive(second.headers.get('content-security-policy'), 'script-src')).not.toContain(nonce);
    expect(directive(policy, 'script-src')).toEqual(["'self'", nonce, "'strict-dynamic'"]);
    expect(directive(policy, 'style-src')).toEqual(["'self'", nonce]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(directive(policy, 'base-uri')).toEqual(["'none'"]);
    expect(directive(policy, 'form-action')).toEqual(["'self'"]);
    expect(directive(policy, 'upgrade-insecure-requests')).toBeUndefined();
    // Next reads the nonce for the scripts it renders from the request's policy header.
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(policy);
  });

  it('puts the policy on what it answers itself: the sign-in redirect, a refused action post', async () => {
    const redirect = await page('/users/new');
    expect(redirect.status).toBe(307);
    expect(directive(redirect.headers.get('content-security-policy'), 'frame-ancestors')).toEqual(["'none'"]);
    const refused = await page('/users/new', { method: 'POST', body: 'garbage', headers: { 'next-action': 'abc', 'content-type': 'text/plain;charset=UTF-8' } });
    expect(refused.status).toBe(400);
    expect(directive(refused.headers.get('content-security-policy'), 'script-src')).toContain("'strict-dynamic'");
  });

  it('upgrades insecure requests under https, and lets a form go on to the single sign-on provider', async () => {
    vi.stubEnv('ROSTER_BASE_URL', 'https://roster.example');
    vi.stubEnv('ROSTER_OIDC_ISSUER', 'https://login.example.com/tenant/v2.0');
    vi.stubEnv('ROSTER_OIDC_CLIENT_ID', 'roster');
    vi.stubEnv('ROSTER_OIDC_CLIENT_SECRET', 'secret');
    const policy = (await page('/sign-in')).headers.get('content-security-policy');
    expect(directive(policy, 'upgrade-insecure-requests')).toEqual([]);
    expect(directive(policy, 'form-action')).toEqual(["'self'", 'https://login.example.com']);
  });

  it.each(['/api/v1/users', '/api/docs', '/_next/static/chunks/main.js'])('leaves %s to next.config.ts and the route itself', async (pathname) => {
    expect((await page(pathname)).headers.get('content-security-policy')).toBeNull();
  });
});

describe('the API docs page', () => {
  it('allows its own inline script by hash, and nothing inline besides', async () => {
    const response = await docsPage();
    const policy = response.headers.get('content-security-policy');
    const inline = [...(await response.text()).matchAll(/<script>([\s\S]*?)<\/script>/g)].map(([, body]) => `'sha256-${createHash('sha256').update(body!).digest('base64')}'`);
    expect(inline).toHaveLength(1);
    expect(directive(policy, 'script-src')).toEqual(["'self'", inline[0]]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
  });
});

describe('the production server, served over https', () => {
  const root = path.resolve(import.meta.dirname, '../..');
  let server: ChildProcess;
  let origin: string;

  beforeAll(async () => {
    const port = await reservePorts();
    origin = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['scripts/server.mjs', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: root,
      stdio: 'ignore',
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: '',
        ROSTER_DATA_DIR: 'memory://',
        // Behind a TLS-terminating proxy; the requests below come over plain HTTP from here.
        ROSTER_BASE_URL: 'https://roster.example',
        ROSTER_AUTH_SECRET: 'security-headers-test-secret-0123456789abcdef',
      },
    });
    const deadline = Date.now() + 120_000;
    while (!(await fetch(`${origin}/api/ready`).then((response) => response.ok, () => false))) {
      if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
      if (Date.now() > deadline) throw new Error('the server did not get ready');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 180_000);

  afterAll(() => {
    server?.kill('SIGKILL');
  });

  it('sends HSTS and the fixed headers with a page, an API answer, a static asset, the docs and errors', async () => {
    const signIn = await fetch(`${origin}/sign-in`);
    const asset = (await signIn.text()).match(/\/_next\/static\/[^"]+\.js/)?.[0];
    expect(asset, 'the sign-in page loads a script of its own').toBeDefined();
    const responses = {
      page: signIn,
      api: await fetch(`${origin}/api/health`),
      asset: await fetch(`${origin}${asset}`),
      docs: await fetch(`${origin}/api/docs`),
      'page not found': await fetch(`${origin}/robots.txt`),
      'API not found': await fetch(`${origin}/api/v1/nothing-here`),
      'missing asset': await fetch(`${origin}/_next/static/chunks/nothing-here.js`),
    };
    expect(Object.fromEntries(Object.entries(responses).map(([kind, response]) => [kind, response.status]))).toEqual({
      page: 200,
      api: 200,
      asset: 200,
      docs: 200,
      'page not found': 404,
      'API not found': 404,
      'missing asset': 404,
    });
    for (const [kind, response] of Object.entries(responses)) {
      expect(response.headers.get('strict-transport-security'), kind).toBe('max-age=63072000; includeSubDomains');
      expect(response.headers.get('x-content-type-options'), kind).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), kind).toBe('same-origin');
      expect(directive(response.headers.get('content-security-policy'), 'frame-ancestors'), kind).toEqual(["'none'"]);
    }
    expect(directive(responses.page.headers.get('content-security-policy'), 'upgrade-insecure-requests')).toEqual([]);
    expect(directive(responses['page not found'].headers.get('content-security-policy'), 'script-src')).toContain("'strict-dynamic'");
    for (const kind of ['api', 'asset', 'API not found', 'missing asset'] as const) {
      expect(responses[kind].headers.get('content-security-policy'), kind).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });
});
