import 'server-only';
import { z } from 'zod';
import { eventStreamQuery, eventTypes } from '@/core/events';
import type { Operation } from './operation';

export const eventsOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/events',
    operationId: 'streamEvents',
    summary: 'Stream events (Server-Sent Events)',
    description:
      'Every committed change, as it commits: `retry:` first, then each event as `event: <type>`, `id: <position>` and `data: <event JSON>` ' +
      '(`{ id, position, type, occurredAt, actor, door, subject, organizationId, data }`), so a client listens by type ' +
      '(`addEventListener(\'user.created\', …)`; `onmessage` hears none); a `:` heartbeat every 15 s. Reconnect with ' +
      '`Last-Event-ID` (or `?after=`) to replay what was missed, in order, with no gap and no duplicate. Named events: ' +
      '`pruned` (the resume point is older than retention; what follows starts at the oldest kept event) and `reconnect` ' +
      '(the server is stopping, or the client fell behind: reconnect with `Last-Event-ID`). Admins, owners and keys with ' +
      '`events:read`; members see only the events about themselves. `?organizationId=` keeps the events about one ' +
      'organization. At most 5 streams per credential.',
    tag: 'Events',
    access: 'any-credential',
    request: {
      query: eventStreamQuery,
      headers: z.object({
        'Last-Event-ID': z
          .string()
          .max(20)
          .regex(/^\d+$/)
          .optional()
          .meta({ description: 'The `id:` of the last event received: the stream resumes after it.', example: '4711' }),
      }),
    },
    success: {
      status: 200,
      description: 'The event stream.',
      mediaType: 'text/event-stream',
      // An endless stream: no string schema with a length, a description of what it carries.
      schema: z.unknown().meta({ description: `Server-Sent Events. Event types: ${eventTypes.join(', ')}.` }),
    },
    errors: {
      400: 'An unknown event type, or a resume point this log never wrote.',
      429: 'This credential already has 5 streams open, or its request budget is spent: retry after `Retry-After` seconds.',
      503: 'The server holds as many streams as it serves, is shutting down, or the database is unavailable: retry after `Retry-After` seconds.',
    },
  },
];
