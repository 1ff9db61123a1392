import type { Metadata } from 'next';
import Link from 'next/link';
import { grantableRoles, requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { holds } from '@/core/authorization';
import { UserForm } from '@/components/user-form';
import { createUserAction } from '../actions';

export const metadata: Metadata = { title: 'New user' };

export default async function NewUserPage() {
  const principal = await requireConsoleUser('/users/new');
  return (
    <div className="space-y-6">
      <div>
        <Link href="/users" className="text-sm text-slate-600 hover:text-slate-900">← Users</Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">New user</h1>
      </div>
      {holds(principal, 'users:write') ? (
        <UserForm action={createUserAction} submitLabel="Create user" roleOptions={grantableRoles(principal)} />
      ) : (
        <Alert tone="error">You don&apos;t have permission to create users. Ask an admin or owner.</Alert>
      )}
    </div>
  );
}
