import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireConsoleUser } from '@/actions/require-console-user';
import { orgRoles } from '@/core/organizations';
import { managesEveryOrganization } from '@/core/organizations/access';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { DeleteButton } from '@/components/delete-button';
import { EventHistory } from '@/components/event-history';
import { KeysetPager } from '@/components/list-controls';
import { LiveUpdates } from '@/components/live-updates';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { addMemberAction, changeMemberRoleAction, deleteOrganizationAction, removeMemberAction, updateOrganizationAction } from '../actions';
import { readOrganization, readOrganizationHistory, readOrganizationMembers } from '../data';

export const metadata: Metadata = { title: 'Organization' };

const card = 'max-w-xl space-y-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm';

interface OrganizationPageProps {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<SearchParams>;
}

/** One organization: its details, its members and their roles, its history; admins and owners change them. */
export default async function OrganizationPage({ params, searchParams }: OrganizationPageProps) {
  const { orgId } = await params;
  const principal = await requireConsoleUser(`/organizations/${orgId}`);
  const organization = await readOrganization(orgId);
  if (!organization) notFound();
  const { created, cursor } = pickSearchParams(await searchParams, ['created', 'cursor']);
  const [members, history] = await Promise.all([readOrganizationMembers(orgId, cursor), readOrganizationHistory(orgId)]);
  const canManage = managesEveryOrganization(principal);
  const ids = { organizationId: organization.id };

  return (
    <div className="space-y-6">
      <div>
        <Link href="/organizations" className="text-sm text-slate-600 hover:text-slate-900">← Organizations</Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{organization.name}</h1>
          <LiveUpdates follows="organization" id={organization.id} />
        </div>
        <p className="mt-1 text-sm text-slate-500">
          <span className="font-mono">{organization.slug}</span> · plan {organization.plan} · version {organization.version} · created <Timestamp iso={organization.createdAt} dateOnly />
        </p>
      </div>

      {created === '1' && <Alert tone="success">Organization created.</Alert>}

      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="space-y-6">
          <section aria-labelledby="details" className={card}>
            <h2 id="details" className="font-semibold">Details</h2>
            {canManage ? (
              <ActionForm
                action={updateOrganizationAction}
                hidden={{ id: organization.id, version: String(organization.version) }}
                fields={[
                  { name: 'name', label: 'Name', autoComplete: 'off', defaultValue: organization.name },
                  { name: 'slug', label: 'Slug', autoComplete: 'off', defaultValue: organization.slug },
                ]}
                submitLabel="Save changes"
                pendingLabel="Saving…"
              />
            ) : (
              <p className="text-sm text-slate-500">You can view this organization but not change it.</p>
            )}
          </section>

          <section aria-labelledby="members" className="space-y-3">
            <h2 id="members" className="font-semibold">Members</h2>
            {!members.ok ? (
              <Alert tone="error">The members can&apos;t be shown: {members.problems.join('; ')}.</Alert>
            ) : members.items.length === 0 ? (
              <p className="text-sm text-slate-500">No members on this page.</p>
            ) : (
              <Table columns={['Name', 'Email', 'Role', 'Joined', ...(canManage ? ['Remove'] : [])]}>
                {members.items.map((member) => (
                  <tr key={member.userId} className="align-top hover:bg-slate-50" data-member={member.email}>
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
            <section aria-labelledby="add-member" className={card}>
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

          {/* The organization's invitations and its own API keys get their sections here (issue 28, a later change). */}

          {canManage && (
            <section aria-labelledby="danger-zone" className="max-w-xl rounded-lg border border-red-200 bg-white p-6 shadow-sm">
              <h2 id="danger-zone" className="font-semibold text-red-700">Delete organization</h2>
              <p className="mb-4 mt-1 text-sm text-slate-600">Removes the organization and all its memberships for good. The audit trail keeps a record.</p>
              <DeleteButton
                action={deleteOrganizationAction}
                fields={{ id: organization.id, version: String(organization.version) }}
                confirmationHref={`/organizations/${organization.id}/delete`}
                question={`Delete ${organization.name} (${organization.slug})? Its memberships go with it. This cannot be undone.`}
                label="Delete organization"
              />
            </section>
          )}
        </div>
        <EventHistory events={history} />
      </div>
    </div>
  );
}
