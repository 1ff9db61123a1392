// A stand-in for `next/headers` in Vitest, where there is no request: tests set the incoming request's headers
// (e.g. a session cookie) with `requestHeaders.set(...)`; cookies that code sets are recorded in `setCookies`.
import { vi } from 'vitest';

let current = new Headers();
export const setCookies = new Map<string, string>();

export const requestHeaders = {
  /** The headers of the "request" the next server action or page sees. */
  set(headers: Record<string, string>) {
    current = new Headers(headers);
    setCookies.clear();
  },
};

function cookieJar() {
  const parsed = new Map(
    (current.get('cookie') ?? '')
      .split(';')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), decodeURIComponent(pair.slice(pair.indexOf('=') + 1))] as const),
  );
  return {
    get: (name: string) => (parsed.has(name) ? { name, value: parsed.get(name)! } : undefined),
    getAll: () => [...parsed].map(([name, value]) => ({ name, value })),
    has: (name: string) => parsed.has(name),
    set: vi.fn((name: string, value: string) => {
      setCookies.set(name, value);
    }),
    delete: vi.fn((name: string) => {
      setCookies.set(name, '');
    }),
  };
}

export const nextHeadersMock = {
  headers: async () => current,
  cookies: async () => cookieJar(),
};
