import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { canManageUser, requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { DeleteForm } from '@/components/delete-form';
import { deleteUserAction } from '../../actions';
import { readUser } from '../../data';

export const metadata: Metadata = { title: 'Delete user' };

/** Confirmation page: where the delete button leads when JavaScript is off. */
export default async function DeleteUserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const principal = await requireConsoleUser(`/users/${id}/delete`);
  const user = await readUser(id);
  if (!user) notFound();
  if (!canManageUser(principal, user.role)) {
    return (
      <div className="max-w-xl space-y-4">
        <Alert tone="error">You don&apos;t have permission to delete {user.email}.</Alert>
        <Link href={`/users/${user.id}`} className="text-sm text-indigo-700 underline">Back to {user.name}</Link>
      </div>
    );
  }
  return (
    <div className="max-w-xl space-y-4 rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold text-red-700">Delete {user.name}?</h1>
      <p className="break-words text-sm text-slate-600">
        {user.email} will be removed for good. The audit trail keeps a record of the deletion.
      </p>
      <DeleteForm
        action={deleteUserAction}
        fields={{ id: user.id, email: user.email, version: String(user.version) }}
        label={`Yes, delete ${user.email}`}
        cancelHref={`/users/${user.id}`}
      />
    </div>
  );
}
