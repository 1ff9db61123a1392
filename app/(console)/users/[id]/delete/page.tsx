import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DeleteUserForm } from '@/components/delete-user-form';
import { deleteUserAction } from '../../actions';
import { readUser } from '../../data';

export const metadata: Metadata = { title: 'Delete user' };

/** Confirmation page: where the delete button leads when JavaScript is off. */
export default async function DeleteUserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await readUser(id);
  if (!user) notFound();
  return (
    <div className="max-w-xl space-y-4 rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold text-red-700">Delete {user.name}?</h1>
      <p className="text-sm text-slate-600">
        {user.email} will be removed for good. The audit trail keeps a record of the deletion.
      </p>
      <DeleteUserForm user={user} action={deleteUserAction} />
    </div>
  );
}
