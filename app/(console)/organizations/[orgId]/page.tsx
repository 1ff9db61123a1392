import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireConsoleUser } from '@/actions/require-console-user';
import { managesEveryOrganization } from '@/core/organizations/access';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/alert';
import { DeleteButton } from '@/components/delete-button';
import { EventHistory } from '@/components/event-history';
import { LiveUpdates } from '@/components/live-updates';
import { cardStyles } from '@/components/styles';
import { Timestamp } from '@/components/timestamp';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { deleteOrganizationAction, updateOrganizationAction } from '../actions';
import { readOrganization, readOrganizationHistory, readOrganizationMembers } from '../data';
import { InvitationsSection } from './invitations';
import { KeysSection } from './keys';
import { MembersSection } from './members';
import { ScimSection } from './scim';

export const metadata: Metadata = { title: 'Organization' };

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
          <section aria-labelledby="details" className={cardStyles}>
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

          <MembersSection organization={organization} members={members} cursor={cursor} canManage={canManage} />

          <InvitationsSection organizationId={organization.id} canManage={canManage} />
          <KeysSection organizationId={organization.id} principal={principal} />
          {canManage && <ScimSection organizationId={organization.id} />}

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
