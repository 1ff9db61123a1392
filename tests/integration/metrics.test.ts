import { count, eq } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Forbidden, ValidationFailed } from '@/core/errors';
import { getMetrics, recordActivity, rollUpMetrics, utcDay } from '@/core/metrics';
import { closeDatabase, getDatabase } from '@/db';
import type { Database } from '@/db/client';
import { auditEvents, mailOutbox, organizations, sessions, userActivityDays, users, webhookDeliveries, webhookEndpoints } from '@/db/schema';
import * as metricsRoute from '../../app/api/v1/metrics/route';
import { describeEachDatabase, truncateAll } from '../support/database';
import { bearerFor, principalFor, systemPrincipal } from '../support/principals';

// The overview's figures: seeded known data → the rollup → the core (what /dashboard renders) → GET /api/v1/metrics,
// each compared with the others and with counts read straight from the tables.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const dayMs = 24 * 60 * 60 * 1000;
const noonToday = () => new Date(Date.parse(utcDay(new Date())) + 12 * 60 * 60 * 1000);
const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * dayMs);

/** Known data around `now`: users on given days and plans, activity, failed sign-ins, deliveries, mail, an organization. */
async function seed(db: Database, now: Date) {
  const user = async (days: number, plan = 'free') =>
    (await db.insert(users).values({ id: uuidv7(), email: `${uuidv7()}@metrics.test`, name: 'M', plan, createdAt: daysAgo(now, days) }).returning())[0]!.id;
  const [a, b, c] = [await user(0, 'pro'), await user(0), await user(2, 'pro')];
  await user(10);
  const active = (id: string, days: number) => db.insert(userActivityDays).values({ userId: id, day: utcDay(daysAgo(now, days)) });
  for (const [id, days] of [[a, 0], [a, 1], [a, 3], [b, 1], [c, 8]] as const) await active(id, days);
  const failed = (days: number) =>
    db.insert(auditEvents).values({ id: uuidv7(), actor: 'anonymous', door: 'api', action: 'user.sign-in-failed', changes: {}, createdAt: daysAgo(now, days) });
  for (const days of [0, 1, 1, 40]) await failed(days);
  const [endpoint] = await db.insert(webhookEndpoints).values({ id: uuidv7(), url: 'https://hooks.metrics.test/a', eventTypes: ['*'], secretEncrypted: 'x', startsAfterPosition: 0 }).returning();
  const delivery = (status: 'pending' | 'succeeded' | 'failed', latency: number | null, days = 0) =>
    db.insert(webhookDeliveries).values({ id: uuidv7(), endpointId: endpoint!.id, eventId: uuidv7(), eventType: 'user.updated', payload: '{}', status, lastLatencyMs: latency, createdAt: daysAgo(now, days) });
  for (const [status, latency] of [['succeeded', 100], ['succeeded', 200], ['succeeded', 300], ['failed', 1000], ['pending', null]] as const) await delivery(status, latency);
  await delivery('failed', 5000, 20); // outside 7 days, inside 30
  const mail = (status: 'pending' | 'sent' | 'failed') => db.insert(mailOutbox).values({ id: uuidv7(), kind: 'invitation', recipient: 'x@metrics.test', subject: 'Hi', status });
  for (const status of ['pending', 'pending', 'failed', 'sent'] as const) await mail(status);
  await db.insert(organizations).values({ id: uuidv7(), name: 'Acme', slug: `acme-${uuidv7().slice(-8)}` });
  return { endpointId: endpoint!.id };
}

describeEachDatabase('overview metrics', (db) => {
  it('rolls up known data into the figures the overview shows, matching counts read from the tables', async () => {
    const now = noonToday();
    const viewer = await principalFor(db(), 'viewer'); // a user too: created today, on the free plan
    const { endpointId } = await seed(db(), now);
    await rollUpMetrics(db(), now);

    const metrics = await getMetrics({ db: db(), principal: viewer }, { range: '7d' }, now);
    expect(metrics.range).toBe('7d');
    expect(metrics.days.map((day) => day.day)).toEqual(Array.from({ length: 7 }, (_, index) => utcDay(daysAgo(now, 6 - index))));
    expect(metrics.to).toBe(utcDay(now));
    const [today, yesterday] = [metrics.days.at(-1)!, metrics.days.at(-2)!];
    expect(today).toEqual({ day: utcDay(now), complete: false, signUps: 3, activeUsers: 1, weeklyActiveUsers: 2, monthlyActiveUsers: 3, failedSignIns: 1 });
    expect(yesterday).toEqual({ day: utcDay(daysAgo(now, 1)), complete: true, signUps: 0, activeUsers: 2, weeklyActiveUsers: 2, monthlyActiveUsers: 3, failedSignIns: 2 });
    expect(metrics.days.find((day) => day.day === utcDay(daysAgo(now, 2)))!.signUps).toBe(1);

    // The same figures, counted straight from the tables.
    const [userCount] = await db().select({ n: count() }).from(users);
    const [sessionCount] = await db().select({ n: count() }).from(sessions);
    const todayActive = await db().select({ n: count() }).from(userActivityDays).where(eq(userActivityDays.day, utcDay(now)));
    expect(metrics.totals).toEqual({ users: userCount!.n, organizations: 1, activeSessions: sessionCount!.n });
    expect(metrics.totals.users).toBe(5);
    expect(today.activeUsers).toBe(todayActive[0]!.n);
    expect(metrics.usersPerPlan).toEqual([{ plan: 'free', users: 3 }, { plan: 'pro', users: 2 }]);
    expect(metrics.mailOutbox).toEqual({ queued: 2, failed: 1 });
    // p95 of 100, 200, 300, 1000 (continuous percentile): 300 + 0.85 × 700.
    expect(metrics.webhooks).toEqual([{ endpointId, url: 'https://hooks.metrics.test/a', succeeded: 3, failed: 1, pending: 1, successRate: 0.75, p95LatencyMs: 895 }]);

    const month = await getMetrics({ db: db(), principal: viewer }, { range: '30d' }, now);
    expect(month.days).toHaveLength(30);
    expect(month.webhooks[0]).toMatchObject({ failed: 2, successRate: 0.6 });
  });

  it('counts a finished day once, and recounts today on every pass', async () => {
    const now = noonToday();
    await rollUpMetrics(db(), now);
    await db().insert(users).values([{ id: uuidv7(), email: 'late@metrics.test', name: 'Late', createdAt: daysAgo(now, 3) }, { id: uuidv7(), email: 'new@metrics.test', name: 'New', createdAt: now }]);
    await rollUpMetrics(db(), new Date(now.getTime() + 60_000));
    const metrics = await getMetrics({ db: db(), principal: systemPrincipal() }, { range: '7d' }, now);
    expect(metrics.days.at(-1)!.signUps).toBe(1);
    expect(metrics.days.at(-4)!.signUps).toBe(0); // finished before the late row: kept as counted
    expect(metrics.totals.users).toBe(2);
  });

  it('records activity at most once per user per day, and never for an impersonation', async () => {
    const { id } = (await db().insert(users).values({ id: uuidv7(), email: 'active@metrics.test', name: 'A' }).returning())[0]!;
    const now = noonToday();
    await recordActivity(db(), { userId: id, impersonated: true }, now);
    expect(await db().select().from(userActivityDays)).toEqual([]);
    await recordActivity(db(), { userId: id }, now);
    await recordActivity(db(), { userId: id }, new Date(now.getTime() + 1000));
    expect(await db().select().from(userActivityDays)).toEqual([{ userId: id, day: utcDay(now) }]);
    // The second use that day never reached the database: with the row gone, nothing writes it back.
    await db().delete(userActivityDays);
    await recordActivity(db(), { userId: id }, new Date(now.getTime() + 2000));
    expect(await db().select().from(userActivityDays)).toEqual([]);
    await recordActivity(db(), { userId: id }, daysAgo(now, -1));
    expect(await db().select().from(userActivityDays)).toEqual([{ userId: id, day: utcDay(daysAgo(now, -1)) }]);
  });

  it('refuses members and a range it does not know', async () => {
    const member = await principalFor(db(), 'member');
    await expect(getMetrics({ db: db(), principal: member }, {})).rejects.toBeInstanceOf(Forbidden);
    await expect(getMetrics({ db: db(), principal: systemPrincipal() }, { range: '365d' })).rejects.toBeInstanceOf(ValidationFailed);
  });
});

describe('GET /api/v1/metrics', () => {
  let database: Database;
  beforeAll(async () => {
    if (process.env.DATABASE_URL) throw new Error('Unset DATABASE_URL: these tests run on the in-memory database vitest.config.ts sets up.');
    ({ db: database } = await getDatabase());
  });
  afterAll(async () => closeDatabase());
  beforeEach(async () => truncateAll(database));

  it('answers the same numbers as the overview’s core function, and counts the caller’s API use as activity', async () => {
    const viewer = await bearerFor(database, 'viewer');
    await seed(database, new Date());
    const call = (query: string) => metricsRoute.GET(new Request(`http://localhost:3000/api/v1/metrics${query}`, { headers: viewer.headers }), { params: Promise.resolve({}) });
    const response = await call('?range=30d');
    expect(response.status).toBe(200);
    await rollUpMetrics(database);
    const body = await (await call('?range=30d')).json();
    const principal = { kind: 'user', door: 'api', userId: viewer.userId, role: 'viewer' } as const;
    expect(body).toEqual(await getMetrics({ db: database, principal }, { range: '30d' }));
    expect(body.totals.users).toBe(5);
    expect(body.days.at(-1)).toMatchObject({ signUps: 3, activeUsers: 2, complete: false }); // the viewer signed in and called the API

    const problem = await call('?range=1y');
    expect(problem.status).toBe(400);
    expect(problem.headers.get('content-type')).toContain('application/problem+json');
  });
});
