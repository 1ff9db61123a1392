import type { Metadata } from 'next';
import Link from 'next/link';
import { UserForm } from '@/components/user-form';
import { createUserAction } from '../actions';

export const metadata: Metadata = { title: 'New user' };

export default function NewUserPage() {
  return (
    <div className="space-y-6">
      <div>
        <Link href="/users" className="text-sm text-slate-600 hover:text-slate-900">← Users</Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">New user</h1>
      </div>
      <UserForm action={createUserAction} submitLabel="Create user" />
    </div>
  );
}
