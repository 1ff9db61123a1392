import createClient from 'openapi-fetch';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDatabase } from '@/db';
import * as itemRoute from '../../app/api/v1/users/[id]/route';
import * as collectionRoute from '../../app/api/v1/users/route';
import { truncateAll } from '../support/database';
import type { paths } from '@roster/client';
import { apiKeyFor } from '../support/principals';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// A client nobody here wrote: openapi-fetch, typed by openapi-typescript from the document alone. Its requests go
// to the Route Handlers in-process, routed as Next routes them.
const BASE = 'http://localhost:3000';

function routeRequest(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === '/api/v1/users') return collectionRoute[request.method as 'GET' | 'POST'](request, { params: Promise.resolve({}) });
  const id = /^\/api\/v1\/users\/([^/]+)$/.exec(pathname)?.[1];
  if (!id) throw new Error(`no route for ${pathname}`);
  return itemRoute[request.method as 'GET' | 'PATCH' | 'DELETE'](request, { params: Promise.resolve({ id: decodeURIComponent(id) }) });
}

let client: ReturnType<typeof createClient<paths>>;

beforeAll(async () => {
  const { db } = await getDatabase();
  await truncateAll(db);
  const key = await apiKeyFor(db, ['users:read', 'users:write']);
  client = createClient<paths>({ baseUrl: BASE, headers: key.headers, fetch: routeRequest });
});

describe('openapi-fetch, typed from the document', () => {
  it('creates, reads, lists, updates and deletes a user, and gets typed problems back', async () => {
    const created = await client.POST('/api/v1/users', {
      params: { header: { 'Idempotency-Key': '"client-test-1"' } },
      body: { email: 'grace@example.com', name: 'Grace Hopper', role: 'viewer' },
    });
    expect(created.response.status).toBe(201);
    const user = created.data!;
    expect(user).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper', role: 'viewer', plan: 'free', version: 1 });

    const read = await client.GET('/api/v1/users/{id}', { params: { path: { id: user.id } } });
    expect(read.data).toEqual(user);
    expect(read.response.headers.get('etag')).toBe('"1"');

    const list = await client.GET('/api/v1/users', { params: { query: { search: 'grace', role: 'viewer', limit: 10 } } });
    expect(list.data).toEqual({ items: [user], nextCursor: null });

    const updated = await client.PATCH('/api/v1/users/{id}', {
      params: { path: { id: user.id }, header: { 'If-Match': '"1"' } },
      body: { name: 'Rear Admiral Hopper' },
    });
    expect(updated.data).toMatchObject({ name: 'Rear Admiral Hopper', version: 2 });

    const stale = await client.DELETE('/api/v1/users/{id}', { params: { path: { id: user.id }, header: { 'If-Match': '"1"' } } });
    expect(stale.response.status).toBe(412);
    expect(stale.error).toMatchObject({ type: 'urn:roster:problem:precondition-failed', status: 412 });

    const deleted = await client.DELETE('/api/v1/users/{id}', { params: { path: { id: user.id }, header: { 'If-Match': '"2"' } } });
    expect(deleted.response.status).toBe(204);
    const gone = await client.GET('/api/v1/users/{id}', { params: { path: { id: user.id } } });
    expect(gone.error).toMatchObject({ type: 'urn:roster:problem:not-found', status: 404, instance: `/api/v1/users/${user.id}` });
  });

  it('gets field errors as the document describes them', async () => {
    const invalid = await client.POST('/api/v1/users', { body: { email: 'not an email', name: '' } });
    expect(invalid.response.status).toBe(422);
    expect(invalid.error?.errors).toEqual([
      { pointer: '/email', detail: 'Enter a valid email address' },
      { pointer: '/name', detail: 'Name is required' },
    ]);
  });
});
