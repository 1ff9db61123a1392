import type { Metadata } from 'next';
import Link from 'next/link';
import { requireConsoleUser } from '@/actions/require-console-user';
import { holds } from '@/core/authorization';
import { doors } from '@/core/principal';
import { eventTypes, subjectTypes, type EventDto, type Subject } from '@/core/events';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { ExportLink } from '@/components/export-link';
import { Field } from '@/components/field';
import { FilterForm, KeysetPager } from '@/components/list-controls';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { EventActor, PersonLink } from '@/components/person';
import type { Person } from '@/core/users';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { readAuditPage } from './data';

export const metadata: Metadata = { title: 'Audit' };

const filterKeys = ['actor', 'type', 'subjectType', 'subjectId', 'door', 'from', 'to'] as const;
const columns = ['When', 'Event', 'Actor', 'Door', 'Subject', 'Changed'];

/** Where the console shows a subject, where it has a page. */
function subjectHref(subject: Subject): string | null {
  switch (subject.type) {
    case 'user':
      return `/users/${subject.id}`;
    case 'webhook-endpoint':
      return `/integrations/${subject.id}`;
    case 'invitation':
      return '/invitations';
    case 'api-key':
      return '/api-keys';
    case 'webhook-event':
      return '/webhooks';
    case 'organization':
      return `/organizations/${subject.id}`;
    case 'job':
      return `/jobs/${subject.id}`;
    case 'scim-group':
    case 'scim-connection':
      // Its page lives under its organization, which the subject does not name.
      return null;
  }
}

/**
 * The From/To pickers send `2026-12-01T09:30` (datetime-local, read as UTC); the query takes an ISO timestamp, so
 * a picked value gains seconds and `Z`. Anything else (an ISO link from elsewhere) goes to the query as it is.
 */
function pickedToIso(value: string | undefined): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value;
}

/** What a picker shows for a filter: its first 16 characters when it is an ISO timestamp. */
function isoToPicked(value: string | undefined): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? value.slice(0, 16) : value;
}

/** Every recorded change, newest first: filter by who, what, which subject, which door and when. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await requireConsoleUser('/audit');
  if (!holds(principal, 'events:read')) {
    return <Alert tone="error">The audit trail shows every account&apos;s changes: only admins and owners can see it.</Alert>;
  }
  const params = await searchParams;
  const filters = pickSearchParams(params, filterKeys);
  const { cursor } = pickSearchParams(params, ['cursor']);
  const result = await readAuditPage({ ...filters, from: pickedToIso(filters.from), to: pickedToIso(filters.to), cursor, limit: '50' });
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold tracking-tight">Audit</h1>
        <ExportLink path="/api/console/audit-events/export" filters={filters} />
      </div>

      <FilterForm action="/audit" filtered={filtered}>
        <Field id="actor" name="actor" label="Actor" placeholder="user:…, api-key:…, system:…" defaultValue={filters.actor} />
        <Field id="type" name="type" label="Event" options={eventTypes} emptyOption="Any" defaultValue={filters.type ?? ''} />
        <Field id="subjectType" name="subjectType" label="Subject type" options={subjectTypes} emptyOption="Any" defaultValue={filters.subjectType ?? ''} />
        <Field id="subjectId" name="subjectId" label="Subject id" defaultValue={filters.subjectId} />
        <Field id="door" name="door" label="Door" options={doors} emptyOption="Any" defaultValue={filters.door ?? ''} />
        <Field id="from" name="from" label="From (UTC)" type="datetime-local" defaultValue={isoToPicked(filters.from)} />
        <Field id="to" name="to" label="To (UTC)" type="datetime-local" defaultValue={isoToPicked(filters.to)} />
      </FilterForm>

      {!result.ok ? (
        <Alert tone="error">These filters can&apos;t be applied: {result.problems.join('; ')}. <Link href="/audit" className="underline">Start over</Link>.</Alert>
      ) : result.items.length === 0 ? (
        <EmptyState title={filtered ? 'No events match these filters.' : 'No events yet.'} hint={filtered ? 'Try other filters or clear them.' : 'Every change made through any door appears here.'} />
      ) : (
        <Table columns={columns}>
          {result.items.map((event) => (
            <AuditRow key={event.id} event={event} people={result.people} />
          ))}
        </Table>
      )}

      {result.ok && <KeysetPager pathname="/audit" filters={filters} cursor={cursor} nextCursor={result.nextCursor} />}
    </div>
  );
}

function AuditRow({ event, people }: { event: EventDto; people: Record<string, Person> }) {
  const href = event.subject && subjectHref(event.subject);
  const subjectPerson = event.subject?.type === 'user' ? people[event.subject.id] : undefined;
  return (
    <tr className="align-top hover:bg-slate-50">
      <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={event.occurredAt} /></Cell>
      <Cell className="font-medium">{event.type}</Cell>
      <Cell>
        <EventActor event={event} people={people} />
        <Link href={{ pathname: '/audit', query: { actor: event.actor } }} className="block text-xs text-indigo-700 hover:underline">
          Their events
        </Link>
      </Cell>
      <Cell><Badge value={event.door} /></Cell>
      <Cell>
        {subjectPerson ? (
          <PersonLink person={subjectPerson} />
        ) : event.subject ? (
          href ? (
            <Link href={href} className="text-indigo-700 hover:underline">
              {event.subject.type} <span className="font-mono text-xs">{event.subject.id}</span>
            </Link>
          ) : (
            <span>{event.subject.type}</span>
          )
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </Cell>
      <Cell className="text-slate-600">{Object.keys(event.data.changes).join(', ') || '—'}</Cell>
    </tr>
  );
}
