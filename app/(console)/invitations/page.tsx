import type { Metadata } from 'next';
import Link from 'next/link';
import { consoleContext } from '@/actions/context';
import { canManageUser, grantableRoles, requireConsoleUser } from '@/actions/require-console-user';
import { ActionForm } from '@/components/action-form';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { listInvitations } from '@/core/invitations';
import { NoMailServerNotice } from '@/components/no-mail-server-notice';
import { createInvitationAction, resendInvitationAction, revokeInvitationAction } from './actions';

export const metadata: Metadata = { title: 'Invitations' };

const columns = ['Email', 'Role', 'Status', 'Invited', 'Expires', 'Actions'];

/** Invite people by email; pending invitations can be sent again or withdrawn. */
export default async function InvitationsPage() {
  const principal = await requireConsoleUser('/invitations');
  const roles = grantableRoles(principal);
  const invitations = await listInvitations(await consoleContext());

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Invitations</h1>
        <p className="mt-1 text-sm text-slate-500">
          The invitee gets a link to choose their name and password; it works once, for 7 days. Sent mail is on the{' '}
          <Link href="/email" className="text-indigo-700 underline">
            Email
          </Link>{' '}
          page.
        </p>
      </div>
      <NoMailServerNotice />
      {roles.length > 0 && (
        <ActionForm
          action={createInvitationAction}
          fields={[
            { name: 'email', label: 'Email', type: 'email', autoComplete: 'off' },
            { name: 'role', label: 'Role', options: roles, defaultValue: 'member' },
          ]}
          submitLabel="Send invitation"
          pendingLabel="Sending…"
          className="max-w-xl space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        />
      )}
      {invitations.length === 0 ? (
        <EmptyState title="No invitations yet." hint="Invite someone above." />
      ) : (
        <Table columns={columns}>
          {invitations.map((invitation) => (
            <tr key={invitation.id} className="align-top hover:bg-slate-50">
              <Cell className="font-medium">{invitation.email}</Cell>
              <Cell><Badge value={invitation.role} /></Cell>
              <Cell><Badge value={invitation.status} /></Cell>
              <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={invitation.createdAt} /></Cell>
              <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={invitation.expiresAt} /></Cell>
              <Cell className="w-56">
                {canManageUser(principal, invitation.role) && (invitation.status === 'pending' || invitation.status === 'expired') && (
                  <div className="flex flex-wrap gap-2">
                    <ActionForm action={resendInvitationAction} hidden={{ id: invitation.id }} submitLabel="Resend" pendingLabel="Sending…" tone="secondary" accessibleSuffix={invitation.email} className="space-y-2" />
                    <ActionForm
                      action={revokeInvitationAction}
                      hidden={{ id: invitation.id }}
                      submitLabel="Revoke"
                      pendingLabel="Revoking…"
                      tone="danger"
                      confirm={`Withdraw the invitation to ${invitation.email}? Its link stops working.`}
                      accessibleSuffix={invitation.email}
                      className="space-y-2"
                    />
                  </div>
                )}
              </Cell>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
