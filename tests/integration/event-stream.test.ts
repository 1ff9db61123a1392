import { asc, eq, sql } from 'drizzle-orm';
import { EventSource } from 'eventsource';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pruneEvents, recordEvent, type EventDto } from '@/core/events';
import { claimJob, runJobChunk } from '@/core/jobs';
import { jobKinds } from '@/core/jobs/kinds';
import { createOrganization, updateOrganization } from '@/core/organizations';
import { createUser, updateUser } from '@/core/users';
import { startBulkUsers } from '@/core/users/bulk';
import { getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents } from '@/db/schema';
import { eventStreamResponse } from '@/http/event-stream';
import { closeEventFeed, getEventFeed } from '@/server/event-feed';
import * as consoleRoute from '../../app/api/console/events/route';
import * as eventsRoute from '../../app/api/v1/events/route';
import { truncateAll } from '../support/database';
import { apiKeyFor, bearerFor, consoleRequestHeaders, principalFor, setConsoleCookie, systemPrincipal, type TestApiKey } from '../support/principals';
import type { Problem } from '../support/problem';
import { reservePorts } from '../support/ports';
import { serveRoutes, type RouteServer } from '../support/route-server';
import { onEveryEvent } from '../support/event-source';
import { startDraining } from '../support/shutdown';

vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

// A real SSE client (the `eventsource` package, which behaves as browsers do: it reconnects on its own and sends
// Last-Event-ID) against the route handlers served over real HTTP.

const routes = { '/api/v1/events': eventsRoute, '/api/console/events': consoleRoute };
let server: RouteServer;
let db: Database;
let key: TestApiKey;
const clients: EventSource[] = [];

beforeAll(async () => {
  vi.stubEnv('ROSTER_EVENTS_HEARTBEAT_MS', '50');
  // A port of this worker's own (not the kernel's pick): the restart test listens on it again after closing it, and
  // meanwhile another worker's listen(0) or outgoing connection could be given a kernel-picked one.
  server = await serveRoutes(routes, await reservePorts());
});
afterAll(async () => {
  await server.close();
  await closeEventFeed();
  vi.unstubAllEnvs();
});
beforeEach(async () => {
  db = (await getDatabase()).db;
  await truncateAll(db);
  key = await apiKeyFor(db, ['events:read']);
});
afterEach(() => clients.splice(0).forEach((client) => client.close()));

interface Received {
  messages: EventDto[];
  ids: string[];
  named: { type: string; data: unknown; id: string }[];
  opened: number;
}

/** Opens a stream with `headers` on every (re)connection, recording what arrives. */
function open(path: string, headers: Record<string, string> = key.headers, origin = server.origin): { source: EventSource; got: Received } {
  const got: Received = { messages: [], ids: [], named: [], opened: 0 };
  const source = new EventSource(`${origin}${path}`, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
  });
  source.onopen = () => (got.opened += 1);
  onEveryEvent(source, (event) => {
    got.messages.push(JSON.parse(event.data) as EventDto);
    got.ids.push(event.lastEventId);
  });
  for (const type of ['pruned', 'reconnect']) {
    source.addEventListener(type, (event) => got.named.push({ type, data: JSON.parse(event.data), id: event.lastEventId }));
  }
  clients.push(source);
  return { source, got };
}

async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  // A hang guard, not a speed check: 400 polls (10 s and more) were tight once two test files ran side by side.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const operator = systemPrincipal();
const seeded = (n: number) => recordEvent(db, operator, { type: 'users.seeded', subject: null, changes: { count: { before: null, after: n } } });
const countsOf = (events: EventDto[]) => events.map((event) => (event.data.changes.count as { after: number }).after);
const openStreams = async () => (await getEventFeed()).count();
const seededPositions = async () =>
  (await db.select({ position: auditEvents.position }).from(auditEvents).where(eq(auditEvents.action, 'users.seeded')).orderBy(asc(auditEvents.position))).map(
    (row) => String(row.position),
  );

describe('GET /api/v1/events', () => {
  it('refuses before the stream starts: 401 without credentials, 403 without events:read, 400 for a bad query', async () => {
    const viewer = await bearerFor(db, 'viewer');
    const readKey = await apiKeyFor(db, ['users:read']);
    const cases: [Record<string, string>, string, number][] = [
      [{}, '', 401],
      [{ authorization: 'Bearer rst_not-a-key' }, '', 401],
      [viewer.headers, '', 403],
      [readKey.headers, '', 403],
      [key.headers, '?types=user.created,user.exploded', 400],
      [key.headers, '?after=yesterday', 400],
      [{ ...key.headers, 'last-event-id': '999999' }, '', 400],
    ];
    for (const [headers, query, status] of cases) {
      const response = await fetch(`${server.origin}/api/v1/events${query}`, { headers });
      expect(response.status, `${JSON.stringify(headers)} ${query}`).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await response.json()) as Problem;
      expect(problem.status).toBe(status);
      if (status === 400) expect(JSON.stringify(problem.errors)).toMatch(/Unknown event type|after|Last-Event-ID/);
    }
    expect(await openStreams()).toBe(0);
  });

  it('streams every committed change live, in order, each with its position as id, unbuffered and uncompressed', async () => {
    const response = await fetch(`${server.origin}/api/v1/events`, { headers: key.headers });
    expect(response.status).toBe(200);
    expect(Object.fromEntries(['content-type', 'cache-control', 'x-accel-buffering'].map((name) => [name, response.headers.get(name)]))).toEqual({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first.startsWith('retry: 3000\n\n')).toBe(true);
    // Heartbeats keep idle connections open through proxies (every 50 ms in this test, 15 s by default).
    let text = first;
    while (!text.includes(': heartbeat\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();

    const { got } = open('/api/v1/events');
    await eventually(() => got.opened, (n) => n === 1, 'the stream to open');
    const admin = await principalFor(db, 'admin');
    const ctx = { db, principal: admin };
    const user = await createUser(ctx, { email: 'live@example.com', name: 'Live' });
    const renamed = await updateUser(ctx, user.id, { name: 'Live 2' });
    await eventually(() => got.messages, (messages) => messages.length === 2, 'two events');
    expect(got.messages.map((event) => event.type)).toEqual(['user.created', 'user.updated']);
    expect(got.messages[1]).toMatchObject({ subject: { type: 'user', id: user.id }, actor: `user:${admin.userId}`, data: { user: renamed, changes: { name: { before: 'Live', after: 'Live 2' } } } });
    expect(got.ids).toEqual(got.messages.map((event) => event.position));
  });

  it('names each event by its type: addEventListener(type) hears it, onmessage does not', async () => {
    const source = new EventSource(`${server.origin}/api/v1/events`, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...key.headers } }),
    });
    clients.push(source);
    const created: EventDto[] = [];
    const unnamed: string[] = [];
    let opened = false;
    let seededHeard = false;
    source.onopen = () => (opened = true);
    source.addEventListener('user.created', (event) => created.push(JSON.parse(event.data) as EventDto));
    source.addEventListener('users.seeded', () => (seededHeard = true));
    source.onmessage = (event) => unnamed.push(event.data);
    // The same stream as raw text, to see the frames on the wire.
    const raw = await fetch(`${server.origin}/api/v1/events`, { headers: key.headers });
    await eventually(() => opened, Boolean, 'the stream to open');
    const ctx = { db, principal: await principalFor(db, 'admin') };
    const user = await createUser(ctx, { email: 'typed@example.com', name: 'Typed' });
    await updateUser(ctx, user.id, { name: 'Typed 2' });
    await seeded(1);
    // users.seeded comes last: once it is heard, an unnamed frame before it would have been heard too.
    await eventually(() => seededHeard, Boolean, 'the seeded event');
    expect(created.map((event) => [event.type, event.subject?.id])).toEqual([['user.created', user.id]]);
    expect(unnamed).toEqual([]);

    const reader = raw.body!.getReader();
    let text = '';
    while (!text.includes('users.seeded')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain(`event: user.created\nid: ${created[0]!.position}\ndata: {`);
    expect(text).toMatch(/event: user\.updated\nid: \d+\ndata: \{/);
  });

  it('filters by ?types=, and shows a member only the events about themselves', async () => {
    const member = await bearerFor(db, 'member');
    const admin = await principalFor(db, 'admin');
    const created = open('/api/v1/events?types=user.created').got;
    const mine = open('/api/v1/events', member.headers).got;
    await eventually(() => [created.opened, mine.opened], ([a, b]) => a === 1 && b === 1, 'both streams to open');
    const ctx = { db, principal: admin };
    const other = await createUser(ctx, { email: 'other@example.com', name: 'Other' });
    await updateUser(ctx, other.id, { name: 'Other 2' });
    await updateUser(ctx, member.userId, { name: 'Member 2' });
    await seeded(1);
    await eventually(() => mine.messages, (messages) => messages.length === 1, 'the member’s event');
    await eventually(() => created.messages, (messages) => messages.length === 1, 'the created event');
    expect(created.messages.map((event) => [event.type, event.subject?.id])).toEqual([['user.created', other.id]]);
    expect(mine.messages.map((event) => [event.type, event.subject?.id])).toEqual([['user.updated', member.userId]]);
  });

  it('filters by ?organizationId=: only the events about that organization, each carrying its id', async () => {
    const owner = await principalFor(db, 'member');
    const ctx = { db, principal: operator };
    const acme = await createOrganization(ctx, { name: 'Acme', slug: 'acme', ownerId: owner.userId }, 'open');
    const { got } = open(`/api/v1/events?organizationId=${acme.id}`);
    await eventually(() => got.opened, (n) => n === 1, 'the stream to open');
    await createOrganization(ctx, { name: 'Globex', slug: 'globex', ownerId: owner.userId }, 'open');
    await updateOrganization(ctx, acme.id, { name: 'Acme Inc.' });
    await seeded(1);
    await eventually(() => got.messages, (messages) => messages.length === 1, 'the organization’s event');
    expect(got.messages).toEqual([expect.objectContaining({ type: 'organization.updated', organizationId: acme.id, subject: { type: 'organization', id: acme.id } })]);
  });

  it('resumes after a dropped connection from Last-Event-ID: nothing missed, nothing twice', async () => {
    const { got } = open('/api/v1/events');
    await eventually(() => got.opened, (n) => n === 1, 'the stream to open');
    await seeded(1);
    await seeded(2);
    await eventually(() => got.messages, (messages) => messages.length === 2, 'two events');
    server.dropConnections();
    await seeded(3);
    await seeded(4);
    await eventually(() => got.messages, (messages) => messages.length === 4, 'the missed events after reconnecting');
    await seeded(5);
    await eventually(() => got.messages, (messages) => messages.length === 5, 'the next live event');
    expect(got.opened).toBe(2);
    expect(countsOf(got.messages)).toEqual([1, 2, 3, 4, 5]);
  });

  it('resumes after a server restart: the stream is told to reconnect, and replays what happened meanwhile', async () => {
    const { got } = open('/api/v1/events');
    await eventually(() => got.opened, (n) => n === 1, 'the stream to open');
    await seeded(1);
    await eventually(() => got.messages, (messages) => messages.length === 1, 'the first event');
    // Shutting down ends every stream with a `reconnect` event; the server is then gone for a while.
    const port = new URL(server.origin).port;
    await closeEventFeed();
    await eventually(() => got.named, (named) => named.length === 1, 'the reconnect event');
    expect(got.named[0]).toMatchObject({ type: 'reconnect', data: { reason: 'shutdown' } });
    await server.close();
    await seeded(2);
    await seeded(3);
    server = await serveRoutes(routes, Number(port));
    await eventually(() => got.messages, (messages) => messages.length === 3, 'the events written while it was down');
    expect(countsOf(got.messages)).toEqual([1, 2, 3]);
  });

  it('refuses new streams with 503 and Retry-After while the server shuts down: clients reconnect elsewhere', async () => {
    setConsoleCookie((await bearerFor(db, 'viewer')).cookie);
    const stopDraining = await startDraining();
    try {
      for (const [path, headers] of [['/api/v1/events', key.headers], ['/api/console/events', { 'sec-fetch-site': 'same-origin' }]] as const) {
        const refused = await fetch(`${server.origin}${path}`, { headers });
        expect(refused.status, path).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        expect(((await refused.json()) as Problem).detail).toBe('This server is shutting down; reconnect to continue.');
      }
    } finally {
      stopDraining();
      setConsoleCookie(null);
    }
    expect(await openStreams()).toBe(0);
  });

  it('also resumes from ?after= for clients that cannot send headers', async () => {
    await seeded(1);
    await seeded(2);
    await seeded(3);
    const [first] = await seededPositions();
    const { got } = open(`/api/v1/events?after=${first}`);
    await eventually(() => got.messages, (messages) => messages.length === 2, 'the replay');
    expect(countsOf(got.messages)).toEqual([2, 3]);
  });

  it('says so when the resume point is older than retention, then goes on from the oldest kept event', async () => {
    await seeded(1);
    await seeded(2);
    await seeded(3);
    const positions = await seededPositions();
    await db.execute(sql`UPDATE audit_events SET created_at = now() - interval '40 days' WHERE position <= ${Number(positions[1])}`);
    await pruneEvents(db, new Date(Date.now() - 30 * 86_400_000));
    const { got } = open('/api/v1/events', { ...key.headers, 'last-event-id': positions[0]! });
    await eventually(() => got.messages, (messages) => messages.length === 1, 'the kept event');
    expect(got.named).toEqual([{ type: 'pruned', data: { prunedThrough: positions[1] }, id: positions[1] }]);
    expect(countsOf(got.messages)).toEqual([3]);
  });

  it('caps streams per credential with 429 and Retry-After, and frees a slot the moment a client leaves', async () => {
    const streams = Array.from({ length: 5 }, () => open('/api/v1/events'));
    await eventually(() => streams.every(({ got }) => got.opened === 1), Boolean, 'five streams');
    const refused = await fetch(`${server.origin}/api/v1/events`, { headers: key.headers });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(((await refused.json()) as Problem).detail).toMatch(/At most 5/);
    // Another credential is not affected.
    const other = await apiKeyFor(db, ['events:read']);
    const elsewhere = open('/api/v1/events', other.headers);
    await eventually(() => elsewhere.got.opened, (n) => n === 1, 'the other credential’s stream');

    streams[0]!.source.close();
    await eventually(openStreams, (n) => n === 5, 'the closed stream to be released');
    const again = open('/api/v1/events');
    await eventually(() => again.got.opened, (n) => n === 1, 'a stream in the freed slot');
    clients.forEach((client) => client.close());
    await eventually(openStreams, (n) => n === 0, 'every stream to be released');
  });

  it('tells a client that reads slower than events come to reconnect, instead of buffering without bound', async () => {
    const feed = await getEventFeed();
    const plan = { filter: { access: { all: true } } as const, from: { from: feed.position }, owner: 'slow' };
    const request = new Request('http://localhost/api/v1/events');
    // Nobody reads this body while 2,100 events arrive.
    const response = eventStreamResponse(request, { db, feed, plan, format: (event) => event });
    await db.transaction(async (tx) => {
      for (let n = 0; n < 2_100; n++) await recordEvent(tx, operator, { type: 'users.seeded', subject: null, changes: { count: { before: null, after: n } } });
    });
    await eventually(() => feed.count('slow'), (n) => n === 0, 'the slow stream to be ended');
    const text = await response.text();
    expect(text.trimEnd().endsWith('event: reconnect\ndata: {"reason":"overflow"}')).toBe(true);
  });
});

describe('GET /api/console/events', () => {
  afterEach(() => setConsoleCookie(null));

  it('tells a signed-in console reader which user changed, and nothing more', async () => {
    const viewer = await bearerFor(db, 'viewer');
    setConsoleCookie(viewer.cookie);
    const { got } = open('/api/console/events', { 'sec-fetch-site': 'same-origin' });
    await eventually(() => got.opened, (n) => n === 1, 'the console stream to open');
    const user = await createUser({ db, principal: await principalFor(db, 'admin') }, { email: 'seen@example.com', name: 'Seen' });
    await eventually(() => got.messages, (messages) => messages.length === 1, 'the console event');
    expect(got.messages).toEqual([{ type: 'user.created', subject: { type: 'user', id: user.id }, organizationId: null }]);
  });

  it('tells it how far a job has come, chunk by chunk, so the job’s page can follow it', async () => {
    const viewer = await bearerFor(db, 'viewer');
    setConsoleCookie(viewer.cookie);
    const admin = await principalFor(db, 'admin');
    await Promise.all(Array.from({ length: 101 }, (_, n) => createUser({ db, principal: admin }, { email: `job-${n}@example.com`, name: `Job ${n}` })));
    const { got } = open('/api/console/events', { 'sec-fetch-site': 'same-origin' });
    await eventually(() => got.opened, (n) => n === 1, 'the console stream to open');
    const started = await startBulkUsers({ db, principal: admin }, { action: 'sign-out', filter: { role: 'member' } });
    const job = 'job' in started ? started.job : expect.unreachable();
    const claimed = (await claimJob(db, { leaseMs: 60_000 }))!;
    while ((await runJobChunk(db, jobKinds, claimed, { leaseMs: 60_000 })) === 'more');
    await eventually(() => got.messages.filter((message) => message.subject?.type === 'job'), (messages) => messages.length === 2, 'the job’s events');
    expect(got.messages.filter((message) => message.subject?.type === 'job')).toEqual([
      { type: 'job.progress', subject: { type: 'job', id: job.id }, organizationId: null },
      { type: 'job.finished', subject: { type: 'job', id: job.id }, organizationId: null },
    ]);
  });

  it('tells it which organization changed, and whose membership', async () => {
    const viewer = await bearerFor(db, 'viewer');
    setConsoleCookie(viewer.cookie);
    const admin = await principalFor(db, 'admin');
    const { got } = open('/api/console/events', { 'sec-fetch-site': 'same-origin' });
    await eventually(() => got.opened, (n) => n === 1, 'the console stream to open');
    const organization = await createOrganization({ db, principal: admin }, { name: 'Acme', slug: 'acme-stream', ownerId: admin.userId }, 'staff');
    await eventually(() => got.messages, (messages) => messages.length === 2, 'the organization and membership events');
    expect(got.messages).toEqual([
      { type: 'organization.created', subject: { type: 'organization', id: organization.id }, organizationId: organization.id },
      { type: 'member.added', subject: { type: 'user', id: admin.userId }, organizationId: organization.id },
    ]);
  });

  it('refuses cross-site requests, signed-out visitors and members, before any stream starts', async () => {
    const viewer = await bearerFor(db, 'viewer');
    const member = await bearerFor(db, 'member');
    const cases: [string | null, Record<string, string>, number][] = [
      [viewer.cookie, { 'sec-fetch-site': 'cross-site' }, 403],
      [viewer.cookie, { origin: 'https://evil.example' }, 403],
      [null, { 'sec-fetch-site': 'same-origin' }, 401],
      [member.cookie, { 'sec-fetch-site': 'same-origin' }, 403],
    ];
    for (const [cookie, headers, status] of cases) {
      setConsoleCookie(cookie);
      const response = await fetch(`${server.origin}/api/console/events`, { headers });
      expect(response.status, JSON.stringify(headers)).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect(await openStreams()).toBe(0);
  });
});
