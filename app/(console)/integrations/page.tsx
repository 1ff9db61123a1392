import type { Metadata } from 'next';
import Link from 'next/link';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { EmptyState } from '@/components/empty-state';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { WebhookEndpointForm } from '@/components/webhook-endpoint-form';
import { holds } from '@/core/authorization';
import { deliverableEventTypes, listWebhookEndpoints } from '@/core/integrations';
import type { SearchParams } from '@/lib/search-params';
import { createEndpointAction } from './actions';
import { WebhookEndpointState } from '@/components/webhook-endpoint-state';

export const metadata: Metadata = { title: 'Integrations' };

/** Outgoing webhooks: the endpoints Roster tells about every change, managed by admins and owners. */
export default async function IntegrationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await requireConsoleUser('/integrations');
  const { deleted } = await searchParams;
  const heading = (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">Integrations</h1>
      <p className="mt-1 text-sm text-slate-500">
        Roster sends each event to these endpoints as a signed webhook (Standard Webhooks), retrying for up to three days
        until it is accepted. Integrations can also subscribe themselves through <code>/api/v1/webhook-endpoints</code>.
      </p>
    </div>
  );
  // The core refuses anyway; this just says so plainly.
  if (!holds(principal, 'webhooks:write')) {
    return (
      <div className="space-y-6">
        {heading}
        <Alert tone="error">Not allowed: only admins and owners can see and manage integrations. You are signed in as a {principal.role}.</Alert>
      </div>
    );
  }

  const endpoints = await listWebhookEndpoints(await consoleContext());
  return (
    <div className="space-y-6">
      {heading}
      {deleted && <Alert tone="success">Endpoint deleted.</Alert>}
      <WebhookEndpointForm action={createEndpointAction} eventTypes={deliverableEventTypes} />
      {endpoints.length === 0 ? (
        <EmptyState title="No endpoints yet." hint="Add one above, or let an integration subscribe through the API." />
      ) : (
        <Table columns={['Endpoint', 'Events', 'State', 'Added']}>
          {endpoints.map((endpoint) => (
            <tr key={endpoint.id} className="align-top hover:bg-slate-50">
              <Cell>
                <Link href={`/integrations/${endpoint.id}`} className="font-medium text-indigo-700 hover:underline">
                  {endpoint.url}
                </Link>
                {endpoint.description && <p className="text-xs text-slate-500">{endpoint.description}</p>}
              </Cell>
              <Cell className="text-xs">{endpoint.events.includes('*') ? 'All events' : endpoint.events.join(', ')}</Cell>
              <Cell>
                <WebhookEndpointState endpoint={endpoint} />
              </Cell>
              <Cell className="whitespace-nowrap text-slate-500">
                <Timestamp iso={endpoint.createdAt} />
              </Cell>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
