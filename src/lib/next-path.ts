/** Where the console lands after sign-in when no (valid) `next` was asked for. */
export const defaultConsolePath = '/dashboard';

const probeOrigin = 'http://roster.invalid';
const maxLength = 2000;

// Tabs and newlines (URL parsers drop them, so `/\t/evil` reads as `//evil`), other control characters, and
// backslashes (read as slashes): refused as sent, never guessed at.
const ambiguousCharacters = /[\u0000-\u001f\u007f\\]/;

// The path of a console page once normalised: segments of unreserved characters, each after one slash. No empty
// segment (`//host` names another origin), no `@` or `:`, and no percent-encoding, so no later decode can turn
// `%2f`, `%5c` or `%2e` into a separator or a dot segment. (Each segment starts with its slash: no backtracking.)
const consolePathPattern = /^(?:\/[A-Za-z0-9._~-]+)*\/?$/;

// Never back to the pages that lead here (a sign-in would loop), and never into a route handler or Next's files.
const notAfterSignIn = /^\/(sign-in|setup|api|_next)(\/|$)/;

/**
 * `value` if it is a same-site console path to go to after signing in, else undefined. The value is resolved as a
 * browser would (dot segments, encoded dots) and the result is what is checked and returned: `/.//evil.example`
 * normalises to `//evil.example`, which is refused like `//evil.example`, `/\evil.example`, `https://…` and
 * `javascript:`, so `?next=` can't be used as an open redirect. The query and fragment are kept as the URL
 * parser serialises them (`/users?search=a%2Fb` stays as it is).
 */
export function safeNextPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > maxLength || ambiguousCharacters.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, probeOrigin);
  } catch {
    return undefined;
  }
  if (url.origin !== probeOrigin || !consolePathPattern.test(url.pathname) || notAfterSignIn.test(url.pathname)) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.length <= maxLength ? path : undefined;
}

/** The `/sign-in` URL that brings the user back to `path` afterwards (the start page needs no `next`). */
export function signInPath(path: string | undefined): string {
  const next = safeNextPath(path);
  return next && next !== '/' && next !== defaultConsolePath ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in';
}
