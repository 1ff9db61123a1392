import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDatabase } from '@/db';
import { apiKeys, auditEvents, sessions, users } from '@/db/schema';
import { isDecodableActionBody } from '@/lib/action-body';
import { proxy } from '../../proxy';
import * as collectionRoute from '../../app/api/v1/users/route';
import { truncateAll } from '../support/database';
import { apiKeyFor, consoleRequestHeaders, signInConsoleAs } from '../support/principals';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), refresh: vi.fn(), cacheTag: vi.fn(), unstable_cache: (fn: unknown) => fn }));
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders(), cookies: async () => ({ get: () => undefined, set: () => undefined }) }));

// Inputs that used to answer 500: what the fuzzer (npm run fuzz) found, pinned down where each is handled.
const ROOT = path.resolve(import.meta.dirname, '../..');
const db = async () => (await getDatabase()).db;

describe('proxy.ts', () => {
  it.each(['/api/v1/users/%', '/api/v1/users/%ff', '/users/%E2%82', '/api/v1/users/%ff.json'])('answers a malformed path encoding %s with 400 problem+json', async (pathname) => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const response = await proxy(new NextRequest(`http://localhost:3000${pathname}`, { method }));
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toEqual({
        type: 'urn:roster:problem:malformed-path',
        title: 'Malformed path',
        status: 400,
        detail: 'The path has a malformed percent-encoding.',
        instance: pathname,
      });
    }
  });

  it('refuses a Server Action post whose body React could not decode, before Next tries', async () => {
    const post = (body: string, headers: Record<string, string>) => proxy(new NextRequest('http://localhost:3000/users/new', { method: 'POST', body, headers }));
    expect((await post('garbage', { 'next-action': 'abc', 'content-type': 'text/plain;charset=UTF-8' })).status).toBe(400);
    expect((await post('"not a list"', { 'next-action': 'abc', 'content-type': 'text/plain;charset=UTF-8' })).status).toBe(400);
    expect((await post('--x\r\n', { 'content-type': 'multipart/form-data; boundary=x' })).status).toBe(400);
    // A well-formed call goes on to Next (a redirect to sign-in for this cookie-less browser is the page's business).
    expect((await post('[{"status":"idle"}]', { 'next-action': 'abc', 'content-type': 'text/plain;charset=UTF-8' })).status).not.toBe(400);
  });
});

describe('isDecodableActionBody', () => {
  const request = (body: string | FormData, headers: Record<string, string> = {}) => new Request('http://localhost/x', { method: 'POST', body, headers });
  it('accepts what React sends, and what is no action at all', async () => {
    const form = new FormData();
    form.set('0', '[{"status":"idle"},"$K1"]');
    form.set('1_email', 'a@b.c');
    expect(await isDecodableActionBody(request(form, { 'next-action': 'abc' }))).toBe(true);
    expect(await isDecodableActionBody(request('[]', { 'next-action': 'abc', 'content-type': 'text/plain' }))).toBe(true);
    expect(await isDecodableActionBody(request('anything', { 'content-type': 'text/plain' }))).toBe(true);
  });
  it('refuses bodies Next would fail on', async () => {
    const rootless = new FormData();
    rootless.set('1_email', 'a@b.c');
    expect(await isDecodableActionBody(request(rootless, { 'next-action': 'abc' }))).toBe(false);
    const missingRow = new FormData();
    missingRow.set('0', '["$1"]');
    expect(await isDecodableActionBody(request(missingRow, { 'next-action': 'abc' }))).toBe(false);
    for (const reference of ['$1', '$@2', '$Bblob', '$Q3', '$n1d7', '$h(g5']) {
      expect(await isDecodableActionBody(request(JSON.stringify([{ a: [reference] }]), { 'next-action': 'abc', 'content-type': 'text/plain' })), reference).toBe(false);
    }
    expect(await isDecodableActionBody(request('["$$escaped","$undefined","$n12","$D2026-01-01"]', { 'next-action': 'abc', 'content-type': 'text/plain' }))).toBe(true);
    expect(await isDecodableActionBody(request('{}', { 'next-action': 'abc', 'content-type': 'text/plain' }))).toBe(false);
    expect(await isDecodableActionBody(request('', { 'next-action': 'abc' }))).toBe(false);
  });
});

describe('GET /api/v1/users filters', () => {
  it.each([
    ['plan', 'pro\u0000', 'Plan must not contain NUL or unpaired surrogate characters'],
    ['subscriptionStatus', '\u0000', 'Subscription status must not contain NUL or unpaired surrogate characters'],
    ['search', 'a\u0000', 'Search must not contain NUL or unpaired surrogate characters'],
  ])('a NUL in %s is a 400 naming the parameter, not a 500', async (parameter, value, detail) => {
    const key = await apiKeyFor(await db(), ['users:read']);
    const url = `http://localhost:3000/api/v1/users?${new URLSearchParams({ [parameter]: value })}`;
    const response = await collectionRoute.GET(new Request(url, { headers: key.headers }), { params: Promise.resolve({}) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'urn:roster:problem:invalid-query',
      title: 'Invalid query parameters',
      status: 400,
      instance: '/api/v1/users',
      errors: [{ parameter, detail }],
    });
  });
});

function actionFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return actionFiles(relative);
    return /\.tsx?$/.test(entry.name) && /^\s*['"]use server['"]/.test(readFileSync(path.join(ROOT, relative), 'utf8')) ? [relative] : [];
  });
}

describe('Server Actions called with anything but a form', () => {
  beforeAll(async () => {
    await truncateAll(await db());
    await signInConsoleAs('owner');
  });

  const garbageArguments: unknown[][] = [[], [undefined, undefined], ['garbage'], [{}, {}], [null, 'text'], [[], [1, 2]], [{ status: 'idle' }, { get: 'not a FormData' }]];

  it.each(actionFiles('app').filter((file) => !file.includes('sign-out')))('%s: every export answers a form error or redirects, and writes nothing', async (file) => {
    const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const counts = async () => Promise.all([users, auditEvents, apiKeys, sessions].map(async (table) => (await (await db()).select({ n: count() }).from(table))[0]!.n));
    const before = await counts();
    for (const [name, action] of Object.entries(loaded)) {
      for (const args of garbageArguments) {
        let outcome: unknown;
        try {
          outcome = await action(...args);
        } catch (error) {
          // redirect() is how some actions answer; nothing else may escape.
          expect(String((error as { digest?: unknown }).digest), `${name}(${JSON.stringify(args)})`).toMatch(/^NEXT_REDIRECT;/);
          continue;
        }
        if (outcome !== undefined) expect((outcome as { status: string }).status, `${name}(${JSON.stringify(args)})`).toMatch(/^(error|success)$/);
      }
    }
    expect(await counts()).toEqual(before);
  });
});
