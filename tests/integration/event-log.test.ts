import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createApiKey } from '@/core/api-keys';
import pg from 'pg';
import {
  EventFeed,
  eventAccessFor,
  logStart,
  parsePosition,
  pruneEvents,
  readEventsAfter,
  recordEvent,
  resumePoint,
  subscribe,
  UnknownPosition,
  type EventDto,
  type EventFilter,
  type Position,
} from '@/core/events';
import { createUser, deleteUser, updateUser } from '@/core/users';
import type { Database } from '@/db/client';
import { auditEvents } from '@/db/schema';
import { describeEachDatabase, describeOnDatabase } from '../support/database';
import { principalFor, systemPrincipal } from '../support/principals';

const everything: EventFilter = { access: { all: true } };
const start: Position = logStart;
const operator = systemPrincipal();

/** A promise and the function that settles it: lets a test hold a transaction open at a chosen point. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Polls until `read` returns something that passes `check`; no test here waits a fixed time. */
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

const seeded = (db: Database, n: number) =>
  recordEvent(db, operator, { type: 'users.seeded', subject: null, changes: { count: { before: null, after: n } } });
const countOf = (event: EventDto) => (event.data.changes.count as { after: number }).after;

describeEachDatabase('event log', (db, handle) => {
  it('records each change as a DTO event in the change’s transaction, with no secret in it', async () => {
    const admin = await principalFor(db(), 'admin');
    const ctx = { db: db(), principal: admin };
    const user = await createUser(ctx, { email: 'ada@example.com', name: 'Ada' });
    const renamed = await updateUser(ctx, user.id, { name: 'Ada L.' });
    const { apiKey, secret } = await createApiKey(ctx, { name: 'crm', scopes: ['users:read'] });
    await deleteUser(ctx, user.id);

    const events = await readEventsAfter(db(), start, everything);
    expect(events.map((event) => event.type)).toEqual(['user.created', 'user.updated', 'api-key.created', 'user.deleted']);
    expect(events[1]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      position: expect.stringMatching(/^\d+$/),
      type: 'user.updated',
      occurredAt: expect.any(String),
      actor: `user:${admin.userId}`,
      door: 'api',
      subject: { type: 'user', id: user.id },
      organizationId: null,
      data: { user: renamed, changes: { name: { before: 'Ada', after: 'Ada L.' } } },
    });
    expect(events[2]!.data).toEqual({
      apiKey: { id: apiKey.id, name: 'crm', scopes: ['users:read'], createdBy: admin.userId, organizationId: null, createdAt: apiKey.createdAt, expiresAt: null, revokedAt: null },
      changes: { name: { before: null, after: 'crm' }, scopes: { before: null, after: ['users:read'] } },
    });
    expect(JSON.stringify(events)).not.toContain(secret.slice(4, 14));
    expect(JSON.stringify(events)).not.toContain(apiKey.prefix);
    // Positions only grow, and reading after the last one reads nothing.
    const positions = events.map((event) => parsePosition(event.position)!);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(await readEventsAfter(db(), positions.at(-1)!, everything)).toEqual([]);
    expect(await readEventsAfter(db(), positions[1]!, everything)).toEqual(events.slice(2));
  });

  it('filters by type, and shows a member only the events about their own account', async () => {
    const admin = await principalFor(db(), 'admin');
    const member = await principalFor(db(), 'member');
    const ctx = { db: db(), principal: admin };
    await updateUser(ctx, member.userId, { name: 'Renamed member' });
    const other = await createUser(ctx, { email: 'other@example.com', name: 'Other' });
    await updateUser(ctx, other.id, { name: 'Other renamed' });

    const created = await readEventsAfter(db(), start, { types: ['user.created'], access: { all: true } });
    expect(created.map((event) => event.subject?.id)).toEqual([other.id]);
    const own = await readEventsAfter(db(), start, { access: eventAccessFor(member) });
    expect(own.map((event) => [event.type, event.subject?.id])).toEqual([['user.updated', member.userId]]);
    expect(() => eventAccessFor(systemPrincipal('api', 'x'))).not.toThrow();
    const viewer = await principalFor(db(), 'viewer');
    expect(() => eventAccessFor(viewer)).toThrow(/events:read/);
  });

  it('notifies listeners of each event’s position once it commits', async () => {
    const heard: string[] = [];
    const unlisten = await handle().listen('roster_events', (payload) => heard.push(payload));
    try {
      await db().transaction(async (tx) => {
        await seeded(tx, 1);
        await seeded(tx, 2);
      });
      const events = await readEventsAfter(db(), start, everything);
      await eventually(() => heard.length, (n) => n === 2, 'two notifications');
      expect(heard).toEqual(events.map((event) => event.position));
    } finally {
      await unlisten();
    }
  });

  it('starts a new reader at now, and refuses a position from the future', async () => {
    await seeded(db(), 1);
    const now = await resumePoint(db(), null);
    expect(await readEventsAfter(db(), now.from, everything)).toEqual([]);
    await seeded(db(), 2);
    expect((await readEventsAfter(db(), now.from, everything)).map(countOf)).toEqual([2]);
    await expect(resumePoint(db(), now.from + 2)).rejects.toBeInstanceOf(UnknownPosition);
  });

  it('prunes a prefix of the log, and tells a reader resuming from before it', async () => {
    await seeded(db(), 1);
    await seeded(db(), 2);
    await seeded(db(), 3);
    const [first, second, third] = await readEventsAfter(db(), start, everything);
    // The first two are 40 days old; retention keeps 30.
    await db().execute(sql`UPDATE audit_events SET created_at = now() - interval '40 days' WHERE id IN (${first!.id}, ${second!.id})`);
    expect(await pruneEvents(db(), new Date(Date.now() - 30 * 86_400_000), { batchSize: 1 })).toBe(2);

    expect((await readEventsAfter(db(), start, everything)).map((event) => event.id)).toEqual([third!.id]);
    const resumed = await resumePoint(db(), parsePosition(first!.position));
    expect(resumed.pruned).toEqual({ through: parsePosition(second!.position) });
    expect(String(resumed.from)).toBe(second!.position);
    expect(await resumePoint(db(), parsePosition(second!.position))).toEqual({ from: parsePosition(second!.position) });
    expect(await pruneEvents(db(), new Date(Date.now() - 30 * 86_400_000))).toBe(0);
  });

  it('feeds every new event, in order, to each listener; a late listener gets only what follows it', async () => {
    const feed = await EventFeed.start(handle(), { pollMs: 60_000 });
    try {
      const early: number[] = [];
      feed.add({ deliver: (event) => early.push(countOf(event)), close: () => {} }, 'early');
      await seeded(db(), 1);
      await seeded(db(), 2);
      await eventually(() => early, (got) => got.length === 2, 'two events');
      const late: number[] = [];
      feed.add({ deliver: (event) => late.push(countOf(event)), close: () => {} }, 'late');
      await seeded(db(), 3);
      await eventually(() => late, (got) => got.length === 1, 'the third event');
      expect(early).toEqual([1, 2, 3]);
      expect(late).toEqual([3]);
      expect([feed.count(), feed.count('early'), feed.count('nobody')]).toEqual([2, 1, 0]);
    } finally {
      await feed.close();
    }
  });

  it('catches up by polling when no notification comes', async () => {
    const deaf = { ...handle(), listen: async () => async () => {} };
    const feed = await EventFeed.start(deaf, { pollMs: 20 });
    try {
      const got: number[] = [];
      feed.add({ deliver: (event) => got.push(countOf(event)), close: () => {} }, 'x');
      await seeded(db(), 7);
      await eventually(() => got, (events) => events.length === 1, 'the polled event');
      expect(got).toEqual([7]);
    } finally {
      await feed.close();
    }
  });

  it('replays what a subscriber missed, then goes live, without a gap or a duplicate', async () => {
    const feed = await EventFeed.start(handle(), { pollMs: 60_000 });
    try {
      await seeded(db(), 1);
      await seeded(db(), 2);
      await seeded(db(), 3);
      const [first] = await readEventsAfter(db(), start, everything);
      await eventually(() => feed.position, (position) => position > start, 'the feed to read');

      const got: number[] = [];
      const ends: string[] = [];
      const leave = new AbortController();
      const live = subscribe(
        db(),
        feed,
        { from: await resumePoint(db(), parsePosition(first!.position)), filter: everything, owner: 'k', signal: leave.signal },
        { event: (event) => got.push(countOf(event)), pruned: () => ends.push('pruned'), end: (reason) => ends.push(reason) },
      );
      await live;
      await seeded(db(), 4);
      await eventually(() => got, (events) => events.length === 3, 'the replay and the live event');
      expect(got).toEqual([2, 3, 4]);
      leave.abort();
      await seeded(db(), 5);
      await seeded(db(), 6);
      expect(feed.count('k')).toBe(0);
      expect(got).toEqual([2, 3, 4]);

      // Closing the feed (shutdown) ends every subscription.
      const other: string[] = [];
      await subscribe(db(), feed, { from: await resumePoint(db(), null), filter: everything, owner: 'k' }, { event: () => {}, pruned: () => {}, end: (reason) => other.push(reason) });
      await feed.close();
      expect(other).toEqual(['shutdown']);
      expect(ends).toEqual([]);
    } finally {
      await feed.close();
    }
  });
});

// Two transactions that overlap need two connections: PGlite has one and runs transactions one at a time.
describeOnDatabase('postgres', 'event log under concurrency', (db, handle) => {
  it('notifies only on commit, and never for a transaction that rolls back', async () => {
    const heard: string[] = [];
    const unlisten = await handle().listen('roster_events', (payload) => heard.push(payload));
    try {
      const inserted = deferred();
      const release = deferred();
      const writing = db().transaction(async (tx) => {
        await seeded(tx, 1);
        inserted.resolve();
        await release.promise;
      });
      await inserted.promise;
      await db()
        .transaction(async (tx) => {
          await seeded(tx, 2);
          throw new Error('rolled back on purpose');
        })
        .catch(() => {});
      await seeded(db(), 3);
      await eventually(() => heard.length, (n) => n >= 1, 'the committed event’s notification');
      release.resolve();
      await writing;
      // Log order is commit order: the third first; the rolled-back second is neither in the log nor heard.
      const events = await readEventsAfter(db(), start, everything);
      expect(events.map(countOf)).toEqual([3, 1]);
      await eventually(() => heard.length, (n) => n === 2, 'the late commit’s notification');
      expect(heard).toEqual(events.map((event) => event.position));
    } finally {
      await unlisten();
    }
  });

  it('numbers events in commit order, so a reader never passes one that commits late', async () => {
    // T1 writes its event first and commits last; T2 writes after it and commits first.
    const t1Inserted = deferred();
    const t1Release = deferred();
    const t1 = db().transaction(async (tx) => {
      await seeded(tx, 1);
      t1Inserted.resolve();
      await t1Release.promise;
    });
    await t1Inserted.promise;
    await seeded(db(), 2);

    // A naive reader in insertion order (ids are time-ordered UUIDv7s) sees T2's event and moves past it...
    const naive = async (after: string) =>
      (await db().select().from(auditEvents).where(sql`${auditEvents.id} > ${after}`).orderBy(auditEvents.id)).map((row) => row.id);
    const naiveFirst = await naive('00000000-0000-0000-0000-000000000000');
    expect(naiveFirst).toHaveLength(1);
    // ...and so does the log's reader: T2 committed, so its event has a position...
    const [second] = await readEventsAfter(db(), start, everything);
    expect(second && countOf(second)).toBe(2);

    t1Release.resolve();
    await t1;
    // ...but once T1 commits the naive reader has lost T1's event for good (it sorts before where it stopped)...
    expect(await naive(naiveFirst.at(-1)!)).toEqual([]);
    // ...while T1's event got the next position at its commit, and the log's reader gets it.
    const after = await readEventsAfter(db(), parsePosition(second!.position)!, everything);
    expect(after.map(countOf)).toEqual([1]);
    expect(Number(after[0]!.position)).toBeGreaterThan(Number(second!.position));
  });

  it('is not held back by a transaction in flight in another database on the same server', async () => {
    // Transaction ids are server-wide: a log that waited for the oldest one in flight would stall here.
    const elsewhere = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      await seeded(db(), 9);
      expect((await readEventsAfter(db(), start, everything)).map(countOf)).toEqual([9]);
    } finally {
      await elsewhere.query('ROLLBACK');
      await elsewhere.end();
    }
  });

  it('loses nothing and repeats nothing with many writers racing a reader', async () => {
    const writers = 8;
    const perWriter = 15;
    const read: EventDto[] = [];
    let at = start;
    let writing = true;
    const reader = (async () => {
      for (;;) {
        // Once every writer has committed, one more empty read means the reader has seen all it ever will.
        const done = !writing;
        const events = await readEventsAfter(db(), at, everything, { limit: 7 });
        read.push(...events);
        if (events.length > 0) at = parsePosition(events.at(-1)!.position)!;
        else if (done) return;
        else await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let i = 0; i < perWriter; i++) {
          // Transactions of different lengths, so commit order scrambles the order events are inserted in.
          await db().transaction(async (tx) => {
            await seeded(tx, writer * 1000 + i);
            await tx.execute(sql`SELECT pg_sleep(${((writer * 7 + i * 3) % 5) / 1000})`);
          });
        }
      }),
    );
    writing = false;
    await reader;
    expect(read).toHaveLength(writers * perWriter);
    expect(new Set(read.map(countOf)).size).toBe(writers * perWriter);
  });
});
