import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { SetupForm } from '@/components/setup-form';
import { hasOwner } from '@/core/users';
import { getDatabase } from '@/db';
import { setupOwnerAction } from './actions';

export const metadata: Metadata = { title: 'Set up' };

/** One-time setup: open only while Roster has no owner. The core enforces that again when the form is posted. */
export default async function SetupPage() {
  // Per request, never prerendered: whether an owner exists is the running server's database's answer.
  await connection();
  if (await hasOwner((await getDatabase()).db)) redirect('/sign-in');
  return (
    <div className="mx-auto max-w-sm space-y-6 pt-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Set up Roster</h1>
        <p className="mt-1 text-sm text-slate-600">Create the owner account. Owners manage every user, role and API key.</p>
      </div>
      <SetupForm action={setupOwnerAction} />
    </div>
  );
}
