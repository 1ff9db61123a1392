import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Badge } from '@/components/badge';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { NotFound } from '@/core/errors';
import { getScimConnection, JOURNAL_SIZE, listScimRequests } from '@/core/scim';

export const metadata: Metadata = { title: 'SCIM request journal' };

const columns = ['When', 'Request', 'Operations', 'Status', 'SCIM type', 'Latency'];

async function readJournal(orgId: string, connectionId: string) {
  const ctx = await consoleContext();
  try {
    return await Promise.all([getScimConnection(ctx, orgId, connectionId), listScimRequests(ctx, orgId, connectionId)]);
  } catch (error) {
    if (error instanceof NotFound) notFound();
    throw error;
  }
}

/**
 * A SCIM connection's request journal, newest first: what the identity provider asked and what Roster answered, with
 * attribute names and no values, so an IT admin sees why a push failed.
 */
export default async function ScimJournalPage({ params }: { params: Promise<{ orgId: string; connectionId: string }> }) {
  const { orgId, connectionId } = await params;
  await requireConsoleUser(`/organizations/${orgId}/scim/${connectionId}`);
  const [connection, requests] = await readJournal(orgId, connectionId);

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/organizations/${orgId}`} className="text-sm text-slate-600 hover:text-slate-900">← Organization</Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">SCIM connection “{connection.name}”</h1>
        <p className="mt-1 text-sm text-slate-500">
          Base URL <code>{connection.baseUrl}</code> · password setup <code>{connection.passwordSetup}</code> · last used{' '}
          {connection.lastUsedAt ? <Timestamp iso={connection.lastUsedAt} /> : 'never'} · <Badge value={connection.revokedAt ? 'revoked' : 'active'} />
        </p>
      </div>
      <section aria-labelledby="journal" className="space-y-3">
        <h2 id="journal" className="font-semibold">Request journal</h2>
        <p className="text-sm text-slate-500">
          The last {JOURNAL_SIZE.toLocaleString('en')} requests, newest first. Values are never recorded: filters show <code>&quot;…&quot;</code> and
          operations name only the attributes they touch.
        </p>
        {requests.length === 0 ? (
          <p className="text-sm text-slate-500">No requests yet.</p>
        ) : (
          <Table columns={columns}>
            {requests.map((request) => (
              <tr key={request.id} className="align-top hover:bg-slate-50">
                <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={request.at} /></Cell>
                <Cell className="font-mono text-xs">
                  {request.method} {request.path}
                </Cell>
                <Cell className="text-xs text-slate-600">{request.summary}</Cell>
                <Cell className={`font-mono text-xs ${request.status < 400 ? 'text-emerald-700' : 'text-red-700'}`}>{request.status}</Cell>
                <Cell className="font-mono text-xs">{request.scimType ?? ''}</Cell>
                <Cell className="whitespace-nowrap text-slate-500">{request.latencyMs} ms</Cell>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </div>
  );
}
