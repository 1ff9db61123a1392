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

/** The test mail server (tests/e2e/mail-catcher.mjs): SMTP for Roster to send to, HTTP for the tests to read. */
export const mailSmtpPort = rosterPort + 2;
export const mailHttpOrigin = `http://127.0.0.1:${rosterPort + 3}`;
export const mailSmtpUrl = `smtp://roster:roster-e2e-smtp@127.0.0.1:${mailSmtpPort}?tls.rejectUnauthorized=false`;
