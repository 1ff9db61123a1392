import type { Metadata } from 'next';
import { connection } from 'next/server';
import { requireConsoleUser } from '@/actions/require-console-user';
import { holds } from '@/core/authorization';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { ActionButton } from '@/components/action-button';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import type { WebhookEventDto } from '@/core/webhooks';
import { reprocessWebhookEventAction } from './actions';
import { readWebhookEvents, webhookEventsShown } from './data';

export const metadata: Metadata = { title: 'Billing events' };

const columns = ['Event', 'Received', 'Status', 'Attempts', 'Error or reason', 'Actions'];

/** Stripe events as Roster received them, newest first, with what became of each. */
export default async function WebhooksPage() {
  // Rendered per request like the other console pages (it reads no params that would make it dynamic): never
  // prerendered at build time, where it would read the build machine's database.
  await connection();
  const principal = await requireConsoleUser('/webhooks');
  const canReprocess = holds(principal, 'webhooks:write');
  const events = await readWebhookEvents();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Billing events</h1>
        <p className="mt-1 text-sm text-slate-500">
          The {webhookEventsShown} most recent Stripe events received at <code>/api/webhooks/stripe</code>. Pending events are
          retried automatically; reprocess a failed one once its cause is fixed.
        </p>
      </div>
      {events.length === 0 ? (
        <EmptyState
          title="No webhook events yet."
          hint={
            <>
              Point a Stripe webhook endpoint at <code>/api/webhooks/stripe</code>, or send a fixture: <code>npm run roster -- webhook:send fixtures/stripe/customer.created.json</code>.
            </>
          }
        />
      ) : (
        <Table columns={columns}>
          {events.map((event) => (
            <WebhookEventRow key={event.id} event={event} canReprocess={canReprocess} />
          ))}
        </Table>
      )}
    </div>
  );
}

function WebhookEventRow({ event, canReprocess }: { event: WebhookEventDto; canReprocess: boolean }) {
  return (
    <tr className="align-top hover:bg-slate-50">
      <Cell>
        <p className="font-medium">{event.type}</p>
        <p className="mt-0.5 font-mono text-xs text-slate-500">{event.id}</p>
      </Cell>
      <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={event.receivedAt} /></Cell>
      <Cell><Badge value={event.status} /></Cell>
      <Cell className="text-slate-600">{event.attempts}</Cell>
      <Cell className={`break-words ${event.status === 'ignored' ? 'text-slate-500' : 'text-red-700'}`}>{event.lastError ?? ''}</Cell>
      <Cell className="w-56">
        <ActionButton action={reprocessWebhookEventAction} fields={{ id: event.id }} available={canReprocess && event.status === 'failed'} pendingLabel="Reprocessing…">
          Reprocess
        </ActionButton>
      </Cell>
    </tr>
  );
}
