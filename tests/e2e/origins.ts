/**
 * Where the e2e servers listen: Roster on ROSTER_E2E_PORT (default 3100), the OpenID Provider on the next port.
 * Two checkouts can run their suites side by side by giving each its own port.
 */
export const rosterPort = Number(process.env.ROSTER_E2E_PORT ?? 3100);
export const rosterOrigin = `http://127.0.0.1:${rosterPort}`;
export const idpPort = rosterPort + 1;
export const idpOrigin = `http://127.0.0.1:${idpPort}`;

/** `origin` as a RegExp source, for URL assertions. */
export const escapedOrigin = (origin: string) => origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
