import 'server-only';
import { asc, between, count, eq, gte, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { mailOutbox, metricsDaily, metricsTotals, webhookDeliveries, webhookEndpoints } from '@/db/schema';
import { authorize } from '../authorization';
import type { CoreContext } from '../principal';
import { parseInput } from '../validation';
import { utcDay } from './activity';
import { metricsQuery, metricsRanges, type MetricsDay, type MetricsDto } from './schemas';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * The overview's figures for the last 7, 30 or 90 UTC days (today included, marked incomplete): what /dashboard
 * shows and GET /api/v1/metrics answers. Anyone who may read users may read them (aggregates only). Daily figures
 * and totals come from the rollup (src/core/metrics/rollup.ts); webhook and outbox figures are indexed live counts.
 */
export async function getMetrics({ db, principal }: CoreContext, rawQuery: Record<string, string | undefined>, now = new Date()): Promise<MetricsDto> {
  authorize(principal, 'users:read');
  const { range } = parseInput(metricsQuery, rawQuery, 'query');
  const days = metricsRanges[range];
  const start = new Date(Date.parse(utcDay(now)) - (days - 1) * dayMs);
  const from = utcDay(start);
  const to = utcDay(now);

  const [rows, [totals], webhooks, mail] = await Promise.all([
    db.select().from(metricsDaily).where(between(metricsDaily.day, from, to)).orderBy(asc(metricsDaily.day)),
    db.select().from(metricsTotals).where(eq(metricsTotals.id, 1)),
    webhookFigures(db, start),
    outboxFigures(db),
  ]);

  const byDay = new Map(rows.map((row) => [row.day, row]));
  const series: MetricsDay[] = Array.from({ length: days }, (_, index) => {
    const day = utcDay(new Date(start.getTime() + index * dayMs));
    const row = byDay.get(day);
    const complete = row !== undefined && row.computedAt.getTime() >= Date.parse(day) + dayMs;
    return {
      day,
      complete,
      signUps: row?.signUps ?? 0,
      activeUsers: row?.activeUsers ?? 0,
      weeklyActiveUsers: row?.weeklyActiveUsers ?? 0,
      monthlyActiveUsers: row?.monthlyActiveUsers ?? 0,
      failedSignIns: row?.failedSignIns ?? 0,
    };
  });

  return {
    range,
    from,
    to,
    computedAt: totals?.computedAt.toISOString() ?? null,
    totals: { users: totals?.users ?? 0, organizations: totals?.organizations ?? 0, activeSessions: totals?.activeSessions ?? 0 },
    days: series,
    usersPerPlan: Object.entries(totals?.usersPerPlan ?? {})
      .map(([plan, users]) => ({ plan, users }))
      .sort((a, b) => b.users - a.users || a.plan.localeCompare(b.plan)),
    mailOutbox: mail,
    webhooks,
  };
}

/** Per endpoint, over deliveries made since `start` (the created_at index): outcomes and p95 of the last attempt's latency. */
async function webhookFigures(db: Database, start: Date): Promise<MetricsDto['webhooks']> {
  const status = webhookDeliveries.status;
  const rows = await db
    .select({
      endpointId: webhookDeliveries.endpointId,
      url: webhookEndpoints.url,
      succeeded: sql<number>`count(*) filter (where ${status} = 'succeeded')`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${status} = 'failed')`.mapWith(Number),
      pending: sql<number>`count(*) filter (where ${status} = 'pending')`.mapWith(Number),
      p95: sql<number | null>`percentile_cont(0.95) within group (order by ${webhookDeliveries.lastLatencyMs})`,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(gte(webhookDeliveries.createdAt, start))
    .groupBy(webhookDeliveries.endpointId, webhookEndpoints.url)
    .orderBy(asc(webhookEndpoints.url));
  return rows.map(({ endpointId, url, succeeded, failed, pending, p95 }) => ({
    endpointId,
    url,
    succeeded,
    failed,
    pending,
    successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    p95LatencyMs: p95 === null ? null : Math.round(Number(p95)),
  }));
}

/** Messages waiting to be sent and messages given up on; each count reads a partial index. */
async function outboxFigures(db: Database): Promise<MetricsDto['mailOutbox']> {
  const countWith = async (state: 'pending' | 'failed') => (await db.select({ n: count() }).from(mailOutbox).where(eq(mailOutbox.status, state)))[0]?.n ?? 0;
  const [queued, failed] = await Promise.all([countWith('pending'), countWith('failed')]);
  return { queued, failed };
}
