import { describe, expect, it } from 'vitest';
import { safeNextPath, signInPath } from './next-path';

describe('safeNextPath', () => {
  it.each(['/users', '/users/0190c3c1-0000-7000-8000-000000000000', '/users?role=admin&cursor=abc', '/webhooks#top', '/api-keys'])(
    'keeps the same-site path %s',
    (path) => expect(safeNextPath(path)).toBe(path),
  );

  it.each([
    undefined,
    null,
    42,
    '',
    'users',
    '//evil.example/users',
    '/\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example/users',
    'javascript:alert(1)',
    '/sign-in',
    '/sign-in?next=/users',
    '/setup',
    `/${'a'.repeat(2001)}`,
  ])('refuses %j', (value) => expect(safeNextPath(value)).toBeUndefined());

  it('normalises dot segments without leaving the site', () => {
    expect(safeNextPath('/users/../webhooks')).toBe('/webhooks');
    expect(safeNextPath('/../../sign-in')).toBeUndefined();
  });
});

describe('signInPath', () => {
  it('carries a path other than the default as next', () => {
    expect(signInPath('/users/abc?x=1')).toBe('/sign-in?next=%2Fusers%2Fabc%3Fx%3D1');
    expect(signInPath('/users')).toBe('/sign-in');
    expect(signInPath('//evil.example')).toBe('/sign-in');
    expect(signInPath(undefined)).toBe('/sign-in');
  });
});
