import { expect } from '@playwright/test';
import { test, uniqueUser } from './support';

// Next can't see a Route Handler's length, so its compression used to gzip every answer: small API answers now say
// no-transform (src/http/small-responses.ts) and go out as they are, while large ones are still compressed.
// Playwright sends Accept-Encoding: gzip, deflate, br and decodes what it gets; the headers show what was sent.

test('small API answers go out uncompressed, large ones gzipped', async ({ request }) => {
  const users = [uniqueUser('gzip'), uniqueUser('gzip'), uniqueUser('gzip'), uniqueUser('gzip')];
  const ids: string[] = [];
  for (const user of users) {
    const created = await request.post('/api/v1/users', { data: { email: user.email, name: user.name } });
    expect(created.status()).toBe(201);
    expect(created.headers()['content-encoding']).toBeUndefined();
    ids.push(((await created.json()) as { id: string }).id);
  }

  const one = await request.get(`/api/v1/users/${ids[0]}`);
  expect(one.status()).toBe(200);
  expect(one.headers()['content-encoding']).toBeUndefined();
  expect(one.headers()['cache-control']).toBe('no-store, no-transform');
  expect(((await one.json()) as { email: string }).email).toBe(users[0]!.email);

  const missing = await request.get('/api/v1/users/00000000-0000-4000-8000-000000000000');
  expect(missing.status()).toBe(404);
  expect(missing.headers()['content-type']).toBe('application/problem+json');
  expect(missing.headers()['content-encoding']).toBeUndefined();

  // Four users and more: well over 1 KiB of JSON.
  const page = await request.get('/api/v1/users?limit=100');
  expect(page.status()).toBe(200);
  expect(page.headers()['content-encoding']).toBe('gzip');
  expect(page.headers()['cache-control']).toBe('no-store');
  const listed = ((await page.json()) as { items: { id: string }[] }).items.map((item) => item.id);
  expect(listed).toEqual(expect.arrayContaining(ids));
});
