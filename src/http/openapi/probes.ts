import 'server-only';
import { z } from 'zod';
import type { Operation } from './operation';

export const probesOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    summary: 'Liveness',
    description: 'The process is up and serving; touches nothing else.',
    tag: 'Probes',
    access: 'public',
    success: { status: 200, description: 'Alive.', schema: z.strictObject({ status: z.literal('ok') }), example: { status: 'ok' } },
  },
  {
    method: 'get',
    path: '/api/ready',
    operationId: 'ready',
    summary: 'Readiness',
    description: 'The database answers and the server is not shutting down (load balancers stop routing here while it drains).',
    tag: 'Probes',
    access: 'public',
    success: {
      status: 200,
      description: 'Ready to serve.',
      schema: z.strictObject({ status: z.literal('ready'), database: z.enum(['pglite', 'postgres']) }),
      example: { status: 'ready', database: 'postgres' },
    },
    errors: { 503: 'The database does not answer, or the server is shutting down; retry after `Retry-After` seconds.' },
  },
];
