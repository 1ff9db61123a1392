import Link from 'next/link';
import { consoleSession } from '@/actions/context';
import { signOutAction } from '@/actions/sign-out';
import { ActionForm } from '@/components/action-form';
import { signInPath } from '@/lib/next-path';
import { joinOrganizationAction } from '../actions';

/**
 * An invitation into an organization for an address that already has an account: no second account, its holder
 * signs in and joins. Signed in as that (verified) address: one button. As someone else: sign out first. The core
 * checks the address again when the form posts.
 */
export async function JoinExistingAccount({ token, email, organization }: { token: string; email: string; organization: string }) {
  const session = await consoleSession();
  const signedInAs = session?.user.email;
  if (!signedInAs) {
    return (
      <Link href={signInPath(`/invite/${token}`)} className="inline-block rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white">
        Sign in as {email} to join
      </Link>
    );
  }
  if (signedInAs.toLowerCase() !== email.toLowerCase()) {
    return (
      <form action={signOutAction} className="space-y-3">
        <p className="text-sm text-slate-600">
          You are signed in as <strong>{signedInAs}</strong>. Sign out, then sign in as <strong>{email}</strong> to join.
        </p>
        <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium">
          Sign out
        </button>
      </form>
    );
  }
  return <ActionForm action={joinOrganizationAction} hidden={{ token }} submitLabel={`Join ${organization}`} pendingLabel="Joining…" />;
}
