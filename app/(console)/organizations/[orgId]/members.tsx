import Link from 'next/link';
import { orgRoles, type MemberPage, type OrganizationDto } from '@/core/organizations';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { ExportLink } from '@/components/export-link';
import { KeysetPager } from '@/components/list-controls';
import { cardStyles } from '@/components/styles';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { addMemberAction, changeMemberRoleAction, removeMemberAction } from '../actions';
import type { ListResult } from '../data';

interface MembersSectionProps {
  organization: Pick<OrganizationDto, 'id' | 'name'>;
  members: ListResult<MemberPage>;
  cursor: string | undefined;
  /** Staff who manage every organization get the role selectors, Remove buttons and the form to add a member. */
  canManage: boolean;
}

/** An organization's members with their roles, a page at a time, and (for admins and owners) the forms that change them. */
export function MembersSection({ organization, members, cursor, canManage }: MembersSectionProps) {
  const ids = { organizationId: organization.id };
  return (
    <>
    <section aria-labelledby="members" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="members" className="font-semibold">Members</h2>
        <div className="flex gap-2">
          <ExportLink path={`/api/console/organizations/${organization.id}/members/export`} />
          <ExportLink path={`/api/console/organizations/${organization.id}/members/export`} format="ndjson" />
        </div>
      </div>
      {!members.ok ? (
        <Alert tone="error">The members can&apos;t be shown: {members.problems.join('; ')}.</Alert>
      ) : members.items.length === 0 ? (
        <p className="text-sm text-slate-500">No members on this page.</p>
      ) : (
        <Table columns={['Name', 'Email', 'Role', 'Joined', ...(canManage ? ['Remove'] : [])]}>
          {members.items.map((member) => (
            <tr key={member.userId} className="align-top hover:bg-slate-50">
              <Cell className="font-medium">
                <Link href={`/users/${member.userId}`} className="text-indigo-700 hover:underline">{member.name}</Link>
              </Cell>
              <Cell className="text-slate-600">{member.email}</Cell>
              <Cell className="w-56">
                {canManage ? (
                  <ActionForm
                    action={changeMemberRoleAction}
                    hidden={{ ...ids, userId: member.userId }}
                    fields={[{ name: 'role', id: `role-${member.userId}`, label: 'Role', options: orgRoles, defaultValue: member.role }]}
                    submitLabel="Change role"
                    pendingLabel="Changing…"
                    tone="secondary"
                    accessibleSuffix={member.email}
                    className="space-y-2"
                  />
                ) : (
                  <Badge value={member.role} />
                )}
              </Cell>
              <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={member.createdAt} dateOnly /></Cell>
              {canManage && (
                <Cell className="w-40">
                  <ActionForm
                    action={removeMemberAction}
                    hidden={{ ...ids, userId: member.userId }}
                    submitLabel="Remove"
                    pendingLabel="Removing…"
                    tone="danger"
                    confirm={`Remove ${member.email} from ${organization.name}?`}
                    accessibleSuffix={member.email}
                    className="space-y-2"
                  />
                </Cell>
              )}
            </tr>
          ))}
        </Table>
      )}
      {members.ok && <KeysetPager pathname={`/organizations/${organization.id}`} filters={{}} cursor={cursor} nextCursor={members.nextCursor} />}
    </section>

    {canManage && (
      <section aria-labelledby="add-member" className={cardStyles}>
        <h2 id="add-member" className="font-semibold">Add a member</h2>
        <ActionForm
          action={addMemberAction}
          hidden={ids}
          fields={[
            { name: 'user', label: 'User (email or id)', autoComplete: 'off' },
            { name: 'role', id: 'new-member-role', label: 'Role', options: orgRoles, defaultValue: 'member' },
          ]}
          hint="They must already have an account."
          submitLabel="Add member"
          pendingLabel="Adding…"
        />
      </section>
    )}
    </>
  );
}
