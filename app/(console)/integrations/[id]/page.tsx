import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { ActionButton } from '@/components/action-button';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { buttonStyles } from '@/components/styles';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { WebhookEndpointForm } from '@/components/webhook-endpoint-form';
import { WebhookEndpointState } from '@/components/webhook-endpoint-state';
import { holds } from '@/core/authorization';
import { NotFound } from '@/core/errors';
import { deliverableEventTypes, getWebhookEndpoint, listDeliveries, mayManageWebhookEndpoint, type WebhookEndpointDto } from '@/core/integrations';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { deleteEndpointAction, retryDeliveryAction, rotateSecretAction, sendTestEventAction, setEndpointEnabledAction, updateEndpointAction } from '../actions';

export const metadata: Metadata = { title: 'Integration' };

interface EndpointPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}

/** One endpoint: its settings, its secret, a test event, and its delivery log with "resend". */
export default async function EndpointPage({ params, searchParams }: EndpointPageProps) {
  const { id } = await params;
  const principal = await requireConsoleUser(`/integrations/${id}`);
  if (!holds(principal, 'webhooks:write')) {
    return <Alert tone="error">Not allowed: only admins and owners can see and manage integrations.</Alert>;
  }
  const ctx = await consoleContext();
  const { cursor } = pickSearchParams(await searchParams, ['cursor']);
  const [endpoint, deliveries, manageable] = await Promise.all([
    getWebhookEndpoint(ctx, id),
    listDeliveries(ctx, id, { limit: '25', cursor }),
    mayManageWebhookEndpoint(ctx, id),
  ]).catch((error: unknown) => {
    if (error instanceof NotFound) notFound();
    throw error;
  });

  return (
    <div className="space-y-6">
      <div>
        <Link href="/integrations" className="text-sm text-slate-600 hover:text-slate-900">← Integrations</Link>
        <h1 className="mt-2 break-all text-2xl font-semibold tracking-tight">{endpoint.url}</h1>
        <div className="mt-2">
          <WebhookEndpointState endpoint={endpoint} />
        </div>
      </div>

      {manageable ? (
        <EndpointControls endpoint={endpoint} />
      ) : (
        <Alert tone="info">An owner made this endpoint (or an owner’s API key did): only owners can change, test, resend or delete it.</Alert>
      )}

      <section aria-labelledby="deliveries" className="space-y-3">
        <h2 id="deliveries" className="text-lg font-semibold">Deliveries</h2>
        {deliveries.items.length === 0 ? (
          <EmptyState title="Nothing sent yet." hint="Events from now on show here, with every attempt's answer." />
        ) : (
          <Table columns={['Event', 'Status', 'Attempts', 'Last answer', 'Next retry', '']}>
            {deliveries.items.map((delivery) => (
              <tr key={delivery.id} className="align-top">
                <Cell>
                  <code className="text-xs">{delivery.eventType}</code>
                  <p className="font-mono text-xs text-slate-500">{delivery.eventId}</p>
                </Cell>
                <Cell>
                  <Badge value={delivery.status} />
                </Cell>
                <Cell>{delivery.attempts}</Cell>
                <Cell className="max-w-sm text-xs">
                  {delivery.lastAttemptAt ? (
                    <>
                      <p>
                        {delivery.lastStatusCode ?? 'no answer'} · {delivery.lastLatencyMs} ms · <Timestamp iso={delivery.lastAttemptAt} />
                      </p>
                      {delivery.lastResponse && (
                        <details>
                          <summary className="cursor-pointer text-slate-500">Response (first KB)</summary>
                          <pre className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2">{delivery.lastResponse}</pre>
                        </details>
                      )}
                    </>
                  ) : (
                    'Not attempted yet'
                  )}
                </Cell>
                <Cell className="whitespace-nowrap text-xs text-slate-500">{delivery.nextAttemptAt ? <Timestamp iso={delivery.nextAttemptAt} /> : '—'}</Cell>
                <Cell>
                  <ActionButton action={retryDeliveryAction} fields={{ endpointId: endpoint.id, deliveryId: delivery.id }} pendingLabel="Resending…" available={manageable}>
                    Resend<span className="sr-only"> {delivery.eventId}</span>
                  </ActionButton>
                </Cell>
              </tr>
            ))}
          </Table>
        )}
        {(cursor || deliveries.nextCursor) && (
          <div className="flex gap-3">
            {cursor && (
              <Link href={`/integrations/${endpoint.id}`} className={buttonStyles.secondary}>
                ← First page
              </Link>
            )}
            {deliveries.nextCursor && (
              <Link href={{ pathname: `/integrations/${endpoint.id}`, query: { cursor: deliveries.nextCursor } }} className={buttonStyles.secondary}>
                Next page →
              </Link>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

/** Enable or disable, test, rotate, delete, and the settings form: for those who may change the endpoint. */
function EndpointControls({ endpoint }: { endpoint: WebhookEndpointDto }) {
  return (
    <>
      <div className="flex flex-wrap items-start gap-3">
        <ActionButton action={setEndpointEnabledAction} fields={{ id: endpoint.id, enabled: String(!endpoint.enabled) }} pendingLabel={endpoint.enabled ? 'Disabling…' : 'Enabling…'}>
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </ActionButton>
        <ActionButton action={sendTestEventAction} fields={{ id: endpoint.id }} pendingLabel="Sending…">
          Send a test event
        </ActionButton>
        <ActionButton
          action={rotateSecretAction}
          fields={{ id: endpoint.id }}
          pendingLabel="Rotating…"
          confirm="Make a new signing secret? The old one keeps signing alongside it for 24 hours."
          secret={{ storedAs: 'it encrypted', usage: 'Switch your receiver to it within 24 hours: until then every delivery carries both signatures.' }}
        >
          Rotate secret
        </ActionButton>
        <ActionButton action={deleteEndpointAction} fields={{ id: endpoint.id }} tone="danger" pendingLabel="Deleting…" confirm={`Delete ${endpoint.url}? Nothing more is sent to it.`}>
          Delete endpoint
        </ActionButton>
      </div>

      <WebhookEndpointForm action={updateEndpointAction} eventTypes={deliverableEventTypes} endpoint={endpoint} />
    </>
  );
}
