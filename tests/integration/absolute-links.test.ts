import { NextRequest } from 'next/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDatabase } from '@/db';
import { HttpProblem } from '@/http/problem';
import { assertSameOrigin } from '@/http/same-origin';
import { proxy } from '../../proxy';
import * as invitationsRoute from '../../app/api/v1/invitations/route';
import * as usersRoute from '../../app/api/v1/users/route';
import * as webhookEndpointsRoute from '../../app/api/v1/webhook-endpoints/route';
import { truncateAll } from '../support/database';
import { apiKeyFor, type TestApiKey } from '../support/principals';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

// Next's idea of the request URL is where the server listens (http://localhost:<port>, or an instance's address
// behind a load balancer); the links Roster hands out must be where clients reach it: ROSTER_BASE_URL.

const PUBLIC = 'https://roster.example';
let key: TestApiKey;

beforeEach(async () => {
  const { db } = await getDatabase();
  await truncateAll(db);
  key = await apiKeyFor(db, ['users:read', 'users:write', 'webhooks:write']);
  vi.stubEnv('ROSTER_BASE_URL', PUBLIC);
});
afterEach(() => vi.unstubAllEnvs());

type Post = (request: Request, context: { params: Promise<Record<string, never>> }) => Promise<Response>;
async function created(post: Post, path: string, body: unknown): Promise<{ location: string | null; id: string }> {
  const request = new Request(`http://localhost:3000${path}`, {
    method: 'POST',
    headers: { ...key.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const response = await post(request, { params: Promise.resolve({}) });
  expect(response.status).toBe(201);
  return { location: response.headers.get('location'), id: ((await response.json()) as { id: string }).id };
}

describe('with ROSTER_BASE_URL set', () => {
  it.each([
    ['/api/v1/users', usersRoute.POST, { email: 'located@example.com', name: 'Located' }],
    ['/api/v1/invitations', invitationsRoute.POST, { email: 'invited@example.com' }],
    ['/api/v1/webhook-endpoints', webhookEndpointsRoute.POST, { url: 'http://127.0.0.1:9/hook', events: ['*'] }],
  ] as const)('POST %s answers with a Location under it', async (path, post, body) => {
    const { location, id } = await created(post as Post, path, body);
    expect(location).toBe(`${PUBLIC}${path}/${id}`);
  });

  it('the sign-in redirect of a signed-out page view goes there', async () => {
    const response = await proxy(new NextRequest('http://localhost:3000/users/abc'));
    expect(response.headers.get('location')).toBe(`${PUBLIC}/sign-in?next=%2Fusers%2Fabc`);
  });

  it("the console's same-origin check compares the Origin with it", () => {
    const from = (origin: string) => new Request('http://localhost:3000/api/console/events', { headers: { origin } });
    expect(() => assertSameOrigin(from(PUBLIC))).not.toThrow();
    expect(() => assertSameOrigin(from('http://localhost:3000'))).toThrow(HttpProblem);
  });
});

it('without ROSTER_BASE_URL, Location follows the request', async () => {
  vi.stubEnv('ROSTER_BASE_URL', '');
  const { location, id } = await created(usersRoute.POST as Post, '/api/v1/users', { email: 'local@example.com', name: 'Local' });
  expect(location).toBe(`http://localhost:3000/api/v1/users/${id}`);
});
