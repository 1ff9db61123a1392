// What the HTTP server (scripts/server.mjs) answers itself, before Next sees the request: requests Next can't take,
// on every path alike. Left to Next and Node: TRACE answered 500 (Next builds a Fetch `Request` for the proxy and
// route handlers, and the Fetch standard forbids TRACE: the constructor throws), WebDAV methods such as PROPFIND a bare
// 400 on the API and a redirect on the console, CONNECT had its connection dropped, a method Node's parser doesn't
// know (FOO) a bare 400, and the asterisk target of `OPTIONS *` a 500 (not a URL). Now every method Roster doesn't
// serve is a 405 with `Allow` (problem+json under /api, text elsewhere): bad input is never a 5xx here, so not the
// 501 HTTP suggests for a method it doesn't define either. `OPTIONS *` is 204 with `Allow`, any other method on `*` a
// 400.

import { fixedSecurityHeaders, inertContentSecurityPolicy } from '../src/lib/fixed-security-headers.mjs';

/** What Roster serves. A route answers the ones it lacks itself, with its own `Allow`. */
const served = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const allow = served.join(', ');

/** What every response carries (docs/security.md); HSTS is added by scripts/server.mjs. */
const securityHeaders = { ...Object.fromEntries(fixedSecurityHeaders.map(({ key, value }) => [key, value])), 'Content-Security-Policy': inertContentSecurityPolicy };

/** A request line whose method is a well-formed token (RFC 9110), unlike binary garbage (that stays a 400). */
const requestLine = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.[01]\r?\n/;

/** Node's own answers to a request it could not parse, kept for everything but an unknown method. */
const parseFailures = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/**
 * The 405 for `method` on `target`: headers and body.
 * @param {string} method
 * @param {string} target the request-target as sent
 */
function refusal(method, target) {
  const path = target.startsWith('/') ? target.split('?')[0] : undefined;
  const detail = `${method} is not supported here; use ${allow}.`;
  const api = path?.startsWith('/api/');
  const body = api
    ? JSON.stringify({ type: 'urn:roster:problem:method-not-allowed', title: 'Method Not Allowed', status: 405, detail, instance: path })
    : `Method Not Allowed: ${detail}\n`;
  const contentType = api ? 'application/problem+json' : 'text/plain; charset=utf-8';
  return { headers: { ...securityHeaders, Allow: allow, 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store' }, body };
}

/** The 405 as bytes, for a connection Node hands over raw (CONNECT, a request it could not parse). */
function rawRefusal(method, target) {
  const { headers, body } = refusal(method, target);
  const head = Object.entries({ ...headers, Connection: 'close' }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 405 Method Not Allowed\r\n${head.join('')}\r\n${body}`;
}

/**
 * For the server's 'request' listener: answers a request Next can't take and returns true; false for the others,
 * which go on to Next.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
export function answerBeforeNext(request, response) {
  if (request.url === '*') {
    // The server as a whole (RFC 9110 §9.3.7): only OPTIONS may ask about it.
    if (request.method === 'OPTIONS') response.writeHead(204, { ...securityHeaders, Allow: allow, 'Cache-Control': 'no-store' }).end();
    else response.writeHead(400, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end('Bad Request: the target * is for OPTIONS only.\n');
    return true;
  }
  if (served.includes(request.method ?? '')) return false;
  const { headers, body } = refusal(request.method ?? '', request.url ?? '');
  response.writeHead(405, headers).end(body);
  return true;
}

/**
 * Answers what never reaches a 'request' listener: CONNECT, and a well-formed request line with a method Node's
 * parser doesn't know (both 405). Other parse failures get Node's own answer, as before.
 * @param {import('node:http').Server} server
 */
export function answerUnparsedRequests(server) {
  /** Sends `answer` and closes the connection once it has gone out (or at once, if nothing can be sent). */
  const answerAndClose = (socket, answer) => {
    socket.on('error', () => {});
    // Like Node's default: nothing is written into a response already under way on this connection.
    if (socket.writable && !socket._httpMessage?.headersSent) socket.end(answer, () => socket.destroy());
    else socket.destroy();
  };
  server.on('connect', (request, socket) => answerAndClose(socket, rawRefusal(request.method ?? 'CONNECT', request.url ?? '')));
  server.on('clientError', (error, socket) => {
    const line = error.code === 'HPE_INVALID_METHOD' ? requestLine.exec(String(error.rawPacket ?? '')) : null;
    answerAndClose(socket, line ? rawRefusal(line[1], line[2]) : `HTTP/1.1 ${parseFailures[error.code] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
  });
}
