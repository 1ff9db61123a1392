import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';

// Route handlers of any params shape: this server only serves routes without dynamic segments.
type RouteHandler = (request: Request, context: never) => Promise<Response>;

export interface RouteServer {
  origin: string;
  /** Drops every open connection, as a network failure would: clients see their streams end mid-way. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * Serves route handlers over real HTTP on loopback, so real clients (an EventSource, say) can talk to them. Requests
 * become the `Request` Next would pass, aborted when the client goes away; responses are streamed back as they come.
 * `routes` maps a path to its handler module's GET (or any method).
 */
export async function serveRoutes(routes: Record<string, Partial<Record<string, RouteHandler>>>, port = 0): Promise<RouteServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const handler = routes[url.pathname]?.[req.method ?? 'GET'];
    if (!handler) return res.writeHead(404).end();
    const aborted = new AbortController();
    res.on('close', () => aborted.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const response = await handler(new Request(url, { method: req.method, headers, signal: aborted.signal }), { params: Promise.resolve({}) } as never);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.flushHeaders();
    if (!response.body) return res.end();
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    body.on('error', () => res.destroy());
    res.on('close', () => body.destroy());
    body.pipe(res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropConnections: () => sockets.forEach((socket) => socket.destroy()),
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
