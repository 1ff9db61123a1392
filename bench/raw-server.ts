// The raw floor: what a user mutation costs without Next.js. A plain node:http server calling the same core
// functions (src/core) on the same kind of database as the server under test, with no framework, no
// revalidation, no rendering and no compression. It authenticates every request as the Route Handlers do
// (src/http/authenticate.ts): `Authorization: Bearer <key>` → authenticateApiKey → the principal the core call
// runs with, or 401; any other bearer (a member's session token, in the members scenario) goes through that file's
// apiPrincipal itself, Better Auth included, so it needs ROSTER_AUTH_SECRET like the Next server. Started by bench/run.ts as
//   node --conditions=react-server --import tsx bench/raw-server.ts   (PORT, DATABASE_URL or ROSTER_DATA_DIR)
// Routes: GET /ready, GET /noop (204, nothing read), GET /users?…, GET /users/{id}, POST /users, PATCH /users/{id}, DELETE /users/{id},
// GET /organizations/{id}/members?….
import http from 'node:http';
import { authenticateApiKey, looksLikeApiKey } from '@/core/api-keys';
import { Conflict, Forbidden, NotFound, PreconditionFailed, Unauthenticated, ValidationFailed } from '@/core/errors';
import type { CoreContext } from '@/core/principal';
import { listMembers } from '@/core/organizations';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '@/core/users';
import { getDatabase } from '@/db';
import { apiPrincipal } from '@/http/authenticate';

// The process-wide handle, which Better Auth (getAuth) shares: PGlite's data directory is opened once.
const handle = await getDatabase();

/** The API door's authentication: a context for the caller's principal, or Unauthenticated (401). */
async function authenticate(req: http.IncomingMessage): Promise<CoreContext> {
  const authorization = req.headers.authorization?.trim() ?? '';
  const token = /^Bearer +(\S+)$/i.exec(authorization)?.[1];
  if (token && !looksLikeApiKey(token)) return { db: handle.db, principal: await apiPrincipal(new Request(`http://raw${req.url ?? '/'}`, { headers: { authorization } }), handle.db) };
  const principal = token ? await authenticateApiKey(handle.db, token, 'api') : null;
  if (!principal) throw new Unauthenticated('Send an API key as `Authorization: Bearer <key>`.');
  return { db: handle.db, principal };
}

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function statusOf(error: unknown): number {
  if (error instanceof Unauthenticated) return 401;
  if (error instanceof Forbidden) return 403;
  if (error instanceof NotFound) return 404;
  if (error instanceof ValidationFailed) return 422;
  if (error instanceof Conflict) return 409;
  if (error instanceof PreconditionFailed) return 412;
  if (error instanceof SyntaxError) return 400;
  return 500;
}

/** `If-Match: "3"` → 3, as the API reads it (src/http/preconditions.ts). */
const expectedVersion = (req: http.IncomingMessage) => {
  const match = /^"(\d+)"$/.exec(req.headers['if-match'] ?? '');
  return match ? Number(match[1]) : undefined;
};

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://raw');
    const id = /^\/users\/([^/]+)$/.exec(url.pathname)?.[1];
    const orgId = /^\/organizations\/([^/]+)\/members$/.exec(url.pathname)?.[1];
    if (url.pathname === '/ready') return send(res, 200, { status: 'ok' });
    // node:http's own empty answer: the part of this floor that Next's no-op Route Handler pays as well.
    if (url.pathname === '/noop') return send(res, 204);
    const ctx = await authenticate(req);
    if (url.pathname === '/users' && req.method === 'GET') return send(res, 200, await listUsers(ctx, Object.fromEntries(url.searchParams)));
    if (url.pathname === '/users' && req.method === 'POST') return send(res, 201, await createUser(ctx, await readJson(req)));
    if (orgId && req.method === 'GET') return send(res, 200, await listMembers(ctx, orgId, Object.fromEntries(url.searchParams)));
    if (id && req.method === 'GET') return send(res, 200, await getUser(ctx, id));
    if (id && req.method === 'PATCH') return send(res, 200, await updateUser(ctx, id, await readJson(req), { expectedVersion: expectedVersion(req) }));
    if (id && req.method === 'DELETE') {
      await deleteUser(ctx, id, { expectedVersion: expectedVersion(req) });
      return send(res, 204);
    }
    send(res, 404, { error: 'no such route' });
  } catch (error) {
    const status = statusOf(error);
    if (status === 500) console.error(error);
    send(res, status, { error: error instanceof Error ? error.message : String(error) });
  }
});
server.listen(Number(process.env.PORT ?? 3290), '127.0.0.1');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void handle.close().finally(() => process.exit(0));
  });
}
