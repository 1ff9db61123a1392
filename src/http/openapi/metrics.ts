import 'server-only';
import { metricsDto, metricsQuery } from '@/core/metrics';
import type { Operation } from './operation';

const example = {
  range: '7d',
  from: '2026-11-30',
  to: '2026-12-06',
  computedAt: '2026-12-06T18:45:00.000Z',
  totals: { users: 10342, organizations: 120, activeSessions: 2210 },
  days: [{ day: '2026-12-06', complete: false, signUps: 41, activeUsers: 1830, weeklyActiveUsers: 5120, monthlyActiveUsers: 8020, failedSignIns: 12 }],
  usersPerPlan: [{ plan: 'free', users: 9000 }, { plan: 'pro', users: 1342 }],
  mailOutbox: { queued: 3, failed: 1 },
  webhooks: [{ endpointId: '01936f8e-8c4c-7cc2-9d5e-3b6a2f0e4d1b', url: 'https://hooks.example.com/roster', succeeded: 980, failed: 20, pending: 2, successRate: 0.98, p95LatencyMs: 340 }],
};

export const metricsOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/metrics',
    operationId: 'getMetrics',
    summary: 'The overview’s figures',
    description:
      'The numbers the console’s overview (`/dashboard`) shows, for the last 7, 30 or 90 UTC days (today included and marked `complete: false`): totals, sign-ups, daily/weekly/monthly active users, failed sign-ins, users per plan, the email outbox, and per webhook endpoint its success rate and p95 latency. Daily figures and totals come from a rollup refreshed every five minutes (`computedAt`). Viewers, admins, owners and keys with `users:read`.',
    tag: 'Metrics',
    access: 'any-credential',
    request: { query: metricsQuery },
    success: { status: 200, description: 'The figures.', schema: metricsDto.meta({ id: 'Metrics', description: 'The overview’s figures.', example }), example },
    errors: { 400: 'An unknown query parameter or a range other than 7d, 30d or 90d.' },
  },
];
