/** Where the console lands after sign-in when no (valid) `next` was asked for. */
export const defaultConsolePath = '/users';

const probeOrigin = 'http://roster.invalid';

/**
 * `value` if it is a same-site path to go to after signing in, else undefined. Only a relative path with a
 * single leading slash qualifies: `//evil.example`, `/\evil.example`, `https://…`, `javascript:` and anything
 * that would resolve to another origin are refused, so `?next=` can't be used as an open redirect.
 */
export function safeNextPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return undefined;
  // Control characters (tabs and newlines are stripped by URL parsers) could smuggle a second slash in.
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value, probeOrigin);
  } catch {
    return undefined;
  }
  if (url.origin !== probeOrigin) return undefined;
  // Never back to the pages that lead here, or a sign-in would loop.
  if (/^\/(sign-in|setup)(\/|$)/.test(url.pathname)) return undefined;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The `/sign-in` URL that brings the user back to `path` afterwards. */
export function signInPath(path: string | undefined): string {
  const next = safeNextPath(path);
  return next && next !== defaultConsolePath ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in';
}
