import { consoleContext } from '@/actions/context';
import { ActionForm } from '@/components/action-form';
import { Badge } from '@/components/badge';
import { NoMailServerNotice } from '@/components/no-mail-server-notice';
import { cardStyles } from '@/components/styles';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { listOrganizationInvitations } from '@/core/invitations';
import { orgRoles } from '@/core/organizations';
import { userEmails } from '@/core/organizations/staff-views';
import { inviteToOrganizationAction, revokeOrganizationInvitationAction } from '../invitation-actions';

/**
 * The organization's pending invitations (read fresh: they are few, and the actions re-render the page) and, for
 * those who manage it, the form that invites someone by email with a role there.
 */
export async function InvitationsSection({ organizationId, canManage }: { organizationId: string; canManage: boolean }) {
  const ctx = await consoleContext();
  const { items: pending } = await listOrganizationInvitations(ctx, organizationId, { status: 'pending', limit: '100' });
  const inviters = await userEmails(ctx, pending.flatMap((invitation) => (invitation.invitedBy ? [invitation.invitedBy] : [])));
  const ids = { organizationId };

  return (
    <section aria-labelledby="invitations" className="space-y-3">
      <h2 id="invitations" className="font-semibold">Invitations</h2>
      {pending.length === 0 ? (
        <p className="text-sm text-slate-500">No pending invitations.</p>
      ) : (
        <Table columns={['Email', 'Role', 'Invited by', 'Expires', ...(canManage ? ['Revoke'] : [])]}>
          {pending.map((invitation) => (
            <tr key={invitation.id} className="align-top hover:bg-slate-50">
              <Cell className="font-medium">{invitation.email}</Cell>
              <Cell><Badge value={invitation.role} /></Cell>
              {/* Keys and Roster's own tools invite as nobody in particular. */}
              <Cell className="text-slate-600">{(invitation.invitedBy && inviters[invitation.invitedBy]) ?? 'an API key or tool'}</Cell>
              <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={invitation.expiresAt} /></Cell>
              {canManage && (
                <Cell className="w-40">
                  <ActionForm
                    action={revokeOrganizationInvitationAction}
                    hidden={{ ...ids, id: invitation.id }}
                    submitLabel="Revoke"
                    pendingLabel="Revoking…"
                    tone="danger"
                    confirm={`Withdraw the invitation to ${invitation.email}? Its link stops working.`}
                    accessibleSuffix={invitation.email}
                    className="space-y-2"
                  />
                </Cell>
              )}
            </tr>
          ))}
        </Table>
      )}
      {canManage && (
        <div className={cardStyles}>
          <h3 className="font-semibold">Invite</h3>
          <NoMailServerNotice />
          <ActionForm
            action={inviteToOrganizationAction}
            hidden={ids}
            fields={[
              { name: 'email', id: 'invite-email', label: 'Email', type: 'email', autoComplete: 'off' },
              { name: 'role', id: 'invite-role', label: 'Role', options: orgRoles, defaultValue: 'member' },
            ]}
            hint="They get a link that works once, for 7 days; if they already have an account, they join after signing in."
            submitLabel="Send invitation"
            pendingLabel="Sending…"
          />
        </div>
      )}
    </section>
  );
}
