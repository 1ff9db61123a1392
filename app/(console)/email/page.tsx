import type { Metadata } from 'next';
import Link from 'next/link';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { NoMailServerNotice } from '@/components/no-mail-server-notice';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { holds } from '@/core/authorization';
import { listMail } from '@/core/mail';

export const metadata: Metadata = { title: 'Email' };

const columns = ['Recipient', 'Kind', 'Status', 'Attempts', 'Queued', 'Sent', 'Last error'];

/** The outbox: every email Roster queued, and how sending it went. Never a body, so never a link. */
export default async function EmailPage() {
  const principal = await requireConsoleUser('/email');
  const heading = <h1 className="text-2xl font-semibold tracking-tight">Email</h1>;
  if (!holds(principal, 'mail:read')) {
    return (
      <div className="space-y-6">
        {heading}
        <Alert tone="error">Not allowed: only admins and owners can see the Email log. You are signed in as a {principal.role}.</Alert>
      </div>
    );
  }
  const mail = await listMail(await consoleContext());
  const canRead = holds(principal, 'mail:read-kept');
  return (
    <div className="space-y-6">
      <div>
        {heading}
        <p className="mt-1 text-sm text-slate-500">Invitations, password resets and email confirmations, newest first. Failed sends are retried with backoff.</p>
      </div>
      <NoMailServerNotice />
      {mail.length === 0 ? (
        <EmptyState title="No email yet." hint="Invitations, password resets and confirmations show up here." />
      ) : (
        <Table columns={columns}>
          {mail.map((message) => (
            <tr key={message.id} className="align-top hover:bg-slate-50">
              <Cell className="font-medium">{message.recipient}</Cell>
              <Cell>{message.kind}</Cell>
              <Cell>
                <Badge value={message.status} />
                {message.status === 'kept' && canRead && (
                  <Link href={`/email/${message.id}`} className="ml-2 text-indigo-700 underline">
                    Open<span className="sr-only"> the {message.kind} email to {message.recipient}</span>
                  </Link>
                )}
              </Cell>
              <Cell>{message.attempts}</Cell>
              <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={message.createdAt} /></Cell>
              <Cell className="whitespace-nowrap text-slate-500">{message.sentAt ? <Timestamp iso={message.sentAt} /> : '—'}</Cell>
              <Cell className="max-w-xs break-words text-xs text-red-700">{message.lastError ?? ''}</Cell>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
