import net from 'node:net';

// HTTP/1.1 over a bare socket, for what fetch and http.request won't do: close or stop reading at any moment, send
// TRACE and CONNECT (the Fetch standard forbids them), methods HTTP doesn't define, malformed request lines.

/**
 * `GET path` with a bearer token, written to a raw socket (so a test can close it, or stop reading, at any moment), and
 * what came back, collected as it arrives.
 */
export function rawGet(origin: string, path: string, token: string) {
  const { port, host } = new URL(origin);
  const socket = net.connect(Number(port), '127.0.0.1');
  socket.on('error', () => {}); // a reset is one of the outcomes looked at, not a failure
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  const chunks: Buffer[] = [];
  let length = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const received = () => Buffer.concat(chunks).toString('latin1');
  /** Resolves once what has arrived passes `check`. */
  const arrived = (what: string, check: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const test = () => check() && (socket.off('data', test), resolve());
      socket.on('data', test);
      socket.once('close', () => reject(new Error(`the connection closed before ${what}, having received:\n${received().slice(0, 500)}`)));
      test();
    });
  return {
    socket,
    closed,
    received,
    headArrived: () => arrived('the head', () => received().includes('\r\n\r\n')),
    bytesArrived: (count: number) => arrived(`${count} bytes`, () => length >= count),
  };
}

export interface RawResponse {
  status: number;
  /** Header names lowercased. */
  headers: Record<string, string>;
  body: string;
}

/** The bytes of a request: `Connection: close` (so the server closes once it has answered) and a Content-Length. */
export function requestBytes(method: string, target: string, { host = 'localhost', headers = {}, body }: { host?: string; headers?: Record<string, string>; body?: string } = {}): string {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${host}`, 'Connection: close', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}

/**
 * Sends `bytes` on a new connection to 127.0.0.1:`port`, reads until the server closes it and parses the first
 * response; undefined when the server closed without answering. The deadline is a hang guard.
 */
export async function rawRequest(port: number, bytes: string | Buffer, deadlineMs = 60_000): Promise<RawResponse | undefined> {
  const received = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.setTimeout(deadlineMs, () => socket.destroy(new Error(`no end of the answer to ${JSON.stringify(String(bytes).slice(0, 80))} within ${deadlineMs} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server that refuses a request may reset the connection once it has answered: what came is the answer.
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks)) : reject(error)));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
  return parseResponse(received.toString('latin1'));
}

/**
 * Opens a connection, sends `bytes` (perhaps none, or half a request) and closes it at once without reading: `end`
 * says goodbye (FIN), `destroy` hangs up (RST when unread data is left).
 */
export async function abandonedRequest(port: number, bytes: string, close: 'end' | 'destroy'): Promise<void> {
  await new Promise<void>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(bytes, () => (close === 'end' ? socket.end() : socket.destroy()));
    });
    socket.on('error', () => {});
    socket.resume(); // read (and drop) what the server answers, or its closing the connection goes unnoticed
    socket.on('close', () => resolve());
  });
}

function parseResponse(raw: string): RawResponse | undefined {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine, ...headerLines] = raw.slice(0, headEnd).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1]);
  if (!status) return undefined;
  const headers = Object.fromEntries(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const rest = raw.slice(headEnd + 4);
  const body = headers['transfer-encoding'] === 'chunked' ? dechunked(rest) : rest;
  return { status, headers, body: Buffer.from(body, 'latin1').toString('utf8') };
}

function dechunked(raw: string): string {
  let body = '';
  for (let at = 0; ; ) {
    const lineEnd = raw.indexOf('\r\n', at);
    const size = parseInt(raw.slice(at, lineEnd), 16);
    if (lineEnd === -1 || !size) return body;
    body += raw.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}
