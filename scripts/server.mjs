// The production server (`npm start` runs it after building; `node scripts/server.mjs` runs it alone): what
// `next start` does, a node:http server handing each request to Next, plus a shutdown that drains, which
// `next start` can't do (on SIGTERM it waits forever for open streams, and it closes nothing of Roster's).
//
// On SIGTERM or SIGINT, or when the process that started it dies (npm killed): stop accepting connections, answer
// readiness 503, end open event streams with a `reconnect` event and stop background work, let the requests already
// accepted finish (answered with `Connection: close`), close the database, exit 0. Whatever is still open after
// ROSTER_SHUTDOWN_TIMEOUT_MS (default 10000) is cut off and the exit code is 1; a database that does not close
// within 3 s is left behind, with exit code 1 too. A second signal exits at once.
import http from 'node:http';
import path from 'node:path';
import { format, parseArgs, stripVTControlCharacters } from 'node:util';
import pino from 'pino';
import { redactingLogOptions } from '../src/lib/log-redaction.mjs';
import { cleanApiHeaders } from './api-headers.mjs';
import { answerBeforeNext, answerUnparsedRequests } from './before-next.mjs';

process.env.NODE_ENV ??= 'production';
const root = path.resolve(import.meta.dirname, '..');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'roster' }, ...redactingLogOptions });

const { port, hostname, keepAliveTimeout } = options(process.argv.slice(2));
const timeoutMs = Number(process.env.ROSTER_SHUTDOWN_TIMEOUT_MS ?? 10_000);
/** Closing the database may take this long before the process exits regardless (a connection never given back). */
const closeGraceMs = 3_000;
/** A client that takes none of the bytes waiting for it for this long is disconnected (as nginx's send_timeout). */
const sendTimeoutMs = Number(process.env.ROSTER_SEND_TIMEOUT_MS ?? 60_000);

/** `next start`'s flags: -p/--port (else PORT, else 3000), -H/--hostname (else every interface), --keepAliveTimeout. */
function options(args) {
  const usage = 'usage: npm start -- [-p <port>] [-H <hostname>] [--keepAliveTimeout <ms>]';
  try {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' }, keepAliveTimeout: { type: 'string' } },
    });
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    const keepAliveTimeout = values.keepAliveTimeout === undefined ? undefined : Number(values.keepAliveTimeout);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port: ${values.port ?? process.env.PORT}`);
    if (keepAliveTimeout !== undefined && !(Number.isInteger(keepAliveTimeout) && keepAliveTimeout > 0)) throw new Error(`invalid --keepAliveTimeout: ${values.keepAliveTimeout}`);
    return { port, hostname: values.hostname, keepAliveTimeout };
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(1);
  }
}

/**
 * Runs `work` with the console writing into the JSON log: Next prints its start-up events ("✓ Running next.config.ts
 * took …") as coloured text, and the start log is JSON lines only.
 */
async function nextConsoleAsJson(work) {
  const original = { log: console.log, info: console.info, warn: console.warn };
  const forward = (level) => (...args) => {
    const msg = stripVTControlCharacters(format(...args)).trim();
    if (msg) logger[level]({ source: 'next' }, msg);
  };
  Object.assign(console, { log: forward('info'), info: forward('info'), warn: forward('warn') });
  try {
    return await work();
  } finally {
    Object.assign(console, original);
  }
}

// Next reads NODE_ENV as it loads, so it is imported only once that is set.
const { default: next } = await import('next');
const server = http.createServer();
answerUnparsedRequests(server);
if (keepAliveTimeout) server.keepAliveTimeout = keepAliveTimeout;
const app = next({ dev: false, dir: root, hostname, port, httpServer: server });
await nextConsoleAsJson(() => app.prepare());
const handle = app.getRequestHandler();

// HSTS on every response when Roster is served over https (two years, subdomains too). Here because it depends on
// ROSTER_BASE_URL at run time; the other security headers are in src/lib/security-headers.ts.
const strictTransportSecurity = process.env.ROSTER_BASE_URL?.startsWith('https:') ? 'max-age=63072000; includeSubDomains' : undefined;

/** Responses not yet finished: a shutdown waits for them. */
const inFlight = new Set();
let draining = false;

server.on('request', (request, response) => {
  inFlight.add(response);
  response.once('close', () => {
    inFlight.delete(response);
    // A response whose headers went out before the drain (a stream) left its connection open for the next request.
    if (draining) request.socket.end();
  });
  if (strictTransportSecurity) response.setHeader('Strict-Transport-Security', strictTransportSecurity);
  // Accepted during the drain (on a connection opened before it): served, and the client told not to come back.
  if (draining) response.setHeader('Connection', 'close');
  if (answerBeforeNext(request, response)) return;
  cleanApiHeaders(request, response);
  handle(request, response).catch((error) => {
    logger.error({ err: error, path: request.url }, 'request failed outside the app');
    if (!response.headersSent) response.statusCode = 500;
    response.end();
  });
});
/** A request's path without its query, which may carry tokens: for the log. */
const pathOf = (url) => url.split('?')[0];

// A client that stops reading (a download or an event stream it no longer takes) would keep its response, and what
// that holds, for as long as it keeps the connection open. Node times a socket out after a stretch with no progress;
// then, if bytes are still waiting for the client, it is disconnected, which the app sees as the client gone
// (request.signal). A response that is only slow to begin (nothing waiting to be sent) is left alone.
server.on('request', (request, response) => {
  response.setTimeout(sendTimeoutMs, (socket) => {
    if (socket.writableLength === 0) return;
    logger.warn({ method: request.method, path: pathOf(request.url), sendTimeoutMs }, 'the client took nothing for ROSTER_SEND_TIMEOUT_MS: disconnected');
    socket.destroy();
  });
});
server.on('error', (error) => {
  logger.error({ err: error }, 'the server could not listen');
  process.exit(1);
});
server.listen(port, hostname, () => {
  const shown = !hostname || hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
  logger.info({ url: `http://${shown}:${port}` }, `ready on http://${shown}:${port}`);
  warnWithoutBaseUrl(server.address());
});

/** Whether `address` (what the server listens on) is reachable only from this machine. */
const isLoopback = (address) => address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

/**
 * Without ROSTER_BASE_URL, the links in emails say `http://localhost:<port>` and `Location` headers name whatever
 * host the request came to: right on a developer's machine, wrong once others reach the server under another name.
 * So a server listening beyond loopback without it says so at start, once.
 */
function warnWithoutBaseUrl({ address, port }) {
  if (process.env.ROSTER_BASE_URL || isLoopback(address)) return;
  // What src/core/links.ts falls back to.
  const fallback = `http://localhost:${process.env.PORT ?? 3000}`;
  logger.warn(
    { address, port, fallback },
    `ROSTER_BASE_URL is unset and the server listens beyond loopback (${address}): links in emails will point to ${fallback}, and Location headers to whatever host a request named. Set ROSTER_BASE_URL to the URL clients reach Roster at (e.g. https://roster.example.com).`,
  );
}

/** The app's steps (src/server/shutdown.ts), registered once instrumentation has run. */
const appShutdown = () => globalThis[Symbol.for('roster.shutdown')];

/** The responses still open, for the log: `GET /path`, marked `(streaming)` once their head has gone out. */
const openResponses = () => [...inFlight].map(({ req, headersSent }) => `${req.method} ${pathOf(req.url)}${headersSent ? ' (streaming)' : ''}`);

let stopping;
async function shutDown(reason) {
  draining = true;
  logger.info({ reason, inFlight: inFlight.size, timeoutMs }, 'draining: refusing new connections, finishing the requests in flight');
  // Stops listening; Node closes the idle keep-alive connections and calls back once every connection has closed.
  const connectionsClosed = new Promise((resolve) => server.close(resolve));
  for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
  const drained = Promise.allSettled([
    appShutdown()?.drain(),
    // Next's own close waits for work requests scheduled with after().
    connectionsClosed.then(() => app.close()),
  ]).then((steps) => {
    for (const step of steps) if (step.status === 'rejected') logger.error({ err: step.reason }, 'error while draining');
    return 'drained';
  });
  const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs, 'deadline'));

  const outcome = await Promise.race([drained, deadline]);
  if (outcome === 'deadline') {
    logger.warn({ open: openResponses(), cutOff: inFlight.size, timeoutMs }, 'shutdown deadline passed: closing the connections still open');
    server.closeAllConnections();
  }
  // Bounded too: a connection that a stuck query (or a leak) never gives back keeps the pool's end() waiting forever.
  const database = await Promise.race([
    Promise.resolve(appShutdown()?.close()).then(
      () => 'closed',
      (error) => (logger.error({ err: error }, 'error while closing the database'), 'failed'),
    ),
    new Promise((resolve) => setTimeout(resolve, closeGraceMs, 'timed out')),
  ]);
  if (database === 'timed out') {
    logger.error({ open: openResponses(), closeGraceMs }, 'the database did not close in time (a query still running or a connection never given back): exiting without it');
  }
  logger.info({ database, outcome }, 'stopped');
  process.exit(outcome === 'drained' && database !== 'timed out' ? 0 : 1);
}

let firstSignalAt = 0;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (!stopping) {
      firstSignalAt = Date.now();
      stopping = shutDown(signal);
      return;
    }
    // Ctrl+C under npm delivers SIGINT twice at once (the terminal's and npm's copy): that is still the first.
    if (Date.now() - firstSignalAt < 1_000) return;
    logger.warn({ signal }, 'second signal: exiting without draining');
    process.exit(1);
  });
}

// Started by npm (or anything else) that has since died, e.g. SIGKILLed: don't live on as an orphan.
const parent = process.ppid;
const watchParent = setInterval(() => {
  if (process.ppid === parent || stopping) return;
  clearInterval(watchParent);
  stopping = shutDown('parent process exited');
}, 1_000);
watchParent.unref();
