import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireConsoleUser } from '@/actions/require-console-user';
import { managesEveryOrganization } from '@/core/organizations/access';
import { Alert } from '@/components/alert';
import { DeleteForm } from '@/components/delete-form';
import { deleteOrganizationAction } from '../../actions';
import { readOrganization } from '../../data';

export const metadata: Metadata = { title: 'Delete organization' };

/** Confirmation page: where the delete button leads when JavaScript is off. */
export default async function DeleteOrganizationPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const principal = await requireConsoleUser(`/organizations/${orgId}/delete`);
  const organization = await readOrganization(orgId);
  if (!organization) notFound();
  const back = `/organizations/${organization.id}`;
  if (!managesEveryOrganization(principal)) {
    return (
      <div className="max-w-xl space-y-4">
        <Alert tone="error">You don&apos;t have permission to delete {organization.name}.</Alert>
        <Link href={back} className="text-sm text-indigo-700 underline">Back to {organization.name}</Link>
      </div>
    );
  }
  return (
    <div className="max-w-xl space-y-4 rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold text-red-700">Delete {organization.name}?</h1>
      <p className="text-sm text-slate-600">
        {organization.name} ({organization.slug}) and all its memberships will be removed for good. The audit trail keeps a record of the deletion.
      </p>
      <DeleteForm
        action={deleteOrganizationAction}
        fields={{ id: organization.id, version: String(organization.version) }}
        label={`Yes, delete ${organization.slug}`}
        cancelHref={back}
      />
    </div>
  );
}
