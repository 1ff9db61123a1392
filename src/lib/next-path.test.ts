import { describe, expect, it } from 'vitest';
import { safeNextPath, signInPath } from './next-path';

const userId = '0190c3c1-0000-7000-8000-000000000000';

describe('safeNextPath', () => {
  it.each([
    ['/users', '/users'],
    [`/users/${userId}`, `/users/${userId}`],
    [`/users/${userId}/delete`, `/users/${userId}/delete`],
    ['/users?role=admin&cursor=abc', '/users?role=admin&cursor=abc'],
    // Encoded slashes, `@` and `//` are harmless in the query and the fragment: they are kept.
    ['/users?search=a%2Fb', '/users?search=a%2Fb'],
    ['/users?search=a%5Cb', '/users?search=a%5Cb'],
    ['/users?search=alice@example.com', '/users?search=alice@example.com'],
    ['/users?next=//evil.example', '/users?next=//evil.example'],
    ['/webhooks#top', '/webhooks#top'],
    ['/webhooks#//evil.example', '/webhooks#//evil.example'],
    ['/api-keys', '/api-keys'],
    ['/users/', '/users/'],
    ['/', '/'],
    // Dot segments that stay on the site resolve, and the resolved path is what comes back.
    ['/users/../webhooks', '/webhooks'],
    ['/users/./new', '/users/new'],
    ['/users/%2e%2e/webhooks', '/webhooks'],
    ['/users?search=a b', '/users?search=a%20b'],
  ])('keeps the same-site path %j as %j', (value, kept) => expect(safeNextPath(value)).toBe(kept));

  it.each([
    // Not a path at all.
    undefined,
    null,
    42,
    '',
    'users',
    'https://evil.example/users',
    'http:/evil.example',
    'javascript:alert(1)',
    ' /users',
    // Another origin, as sent.
    '//evil.example/users',
    '///evil.example',
    '//user@evil.example',
    // Another origin once dot segments (plain or encoded) are resolved: the path a browser would be sent to.
    '/.//evil.example',
    '/a/..//evil.example',
    '/%2e//evil.example',
    '/%2E//evil.example',
    '/%2e%2e//evil.example',
    '/.%2e//evil.example',
    `/users/%2e%2e/%2e%2e//evil.example`,
    '/users/../..//evil.example',
    // Encoded slashes and backslashes (once or twice) that a later decode could turn into a separator.
    '/%2f/evil.example',
    '/%2F%2Fevil.example',
    '/%5cevil.example',
    '/%5C%5Cevil.example',
    '/%252f%252fevil.example',
    '/users/%2e%2e%2f%2e%2e%2f%2fevil.example',
    // Backslashes, read as slashes.
    '/\\evil.example',
    '/\\/evil.example',
    '/users\\..\\..\\/evil.example',
    // Tabs, newlines and other control characters, which URL parsers drop or stop at.
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/users\u0000',
    '/users?x=\n',
    // `@` and `:` belong to an authority, never to a console path.
    '/@evil.example',
    '/users@evil.example',
    '/:evil.example',
    // Pages that lead here (a sign-in would loop), route handlers and Next's own files.
    '/sign-in',
    '/sign-in?next=/users',
    '/sign-in/two-factor',
    '/setup',
    '/../../sign-in',
    '/api/auth/sign-out',
    '/_next/static/chunks/main.js',
    `/${'a'.repeat(2001)}`,
  ])('refuses %j', (value) => expect(safeNextPath(value)).toBeUndefined());

  it('never returns a path a browser would read as another origin, whatever it is given', () => {
    const pieces = ['/', '//', '\\', '.', '..', '%2e', '%2f', '%5c', '%25', '@', ':', '\t', 'evil.example', 'users', '?', '#'];
    for (const a of pieces) {
      for (const b of pieces) {
        for (const c of pieces) {
          const kept = safeNextPath(`/${a}${b}${c}`);
          if (kept === undefined) continue;
          expect(new URL(kept, 'https://roster.example').origin, `/${a}${b}${c} -> ${kept}`).toBe('https://roster.example');
          expect(kept).toMatch(/^\/(?![/\\])/);
          expect(safeNextPath(kept), `${kept} is kept as it is`).toBe(kept);
        }
      }
    }
  });
});

describe('signInPath', () => {
  it('carries a path other than the start page as next', () => {
    expect(signInPath('/users/abc?x=1')).toBe('/sign-in?next=%2Fusers%2Fabc%3Fx%3D1');
    expect(signInPath('/users')).toBe('/sign-in?next=%2Fusers');
    expect(signInPath('/dashboard')).toBe('/sign-in');
    expect(signInPath('/')).toBe('/sign-in');
    expect(signInPath('//evil.example')).toBe('/sign-in');
    expect(signInPath('/.//evil.example')).toBe('/sign-in');
    expect(signInPath(undefined)).toBe('/sign-in');
  });
});
