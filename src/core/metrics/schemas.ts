import 'server-only';
import { z } from 'zod';
import { int32, isoDateTime, uuid } from '../bounds';

export const metricsRanges = { '7d': 7, '30d': 30, '90d': 90 } as const;
export type MetricsRange = keyof typeof metricsRanges;

export const metricsQuery = z.strictObject({
  range: z.enum(Object.keys(metricsRanges) as [MetricsRange, ...MetricsRange[]]).default('30d').meta({ description: 'How many days back, today included.' }),
});

const count = () => int32(0);
const isoDay = () => z.iso.date().max(10);

export const metricsDay = z.object({
  day: isoDay().meta({ description: 'A UTC day.' }),
  complete: z.boolean().meta({ description: 'False for today: its figures are as of `computedAt`.' }),
  signUps: count().meta({ description: 'Accounts created that day that still exist.' }),
  activeUsers: count().meta({ description: 'Users who signed in, refreshed a session or called the API that day (impersonations excluded).' }),
  weeklyActiveUsers: count().meta({ description: 'Distinct active users in the 7 days ending that day.' }),
  monthlyActiveUsers: count().meta({ description: 'Distinct active users in the 30 days ending that day.' }),
  failedSignIns: count().meta({ description: '`user.sign-in-failed` events that day.' }),
});

export const webhookEndpointMetrics = z.object({
  endpointId: uuid(),
  url: z.string().max(2048),
  succeeded: count(),
  failed: count(),
  pending: count(),
  successRate: z.number().min(0).max(1).nullable().meta({ description: 'succeeded / (succeeded + failed); null when nothing finished.' }),
  p95LatencyMs: count().nullable().meta({ description: '95th percentile of the last attempt’s latency, over attempted deliveries; null when none.' }),
});

export const metricsDto = z.object({
  range: metricsQuery.shape.range.unwrap(),
  from: isoDay(),
  to: isoDay().meta({ description: 'Today (UTC), incomplete.' }),
  computedAt: isoDateTime().nullable().meta({ description: 'When the rollup last ran; null before its first pass.' }),
  totals: z.object({ users: count(), organizations: count(), activeSessions: count() }),
  days: z.array(metricsDay).max(90),
  usersPerPlan: z.array(z.object({ plan: z.string().max(200), users: count() })).max(1000),
  mailOutbox: z.object({ queued: count(), failed: count() }),
  webhooks: z.array(webhookEndpointMetrics).max(1000),
});

export type MetricsDto = z.infer<typeof metricsDto>;
export type MetricsDay = z.infer<typeof metricsDay>;
