import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { consolePrincipal, consoleSession } from '@/actions/context';
import { signOutAction } from '@/actions/sign-out';
import { holds } from '@/core/authorization';
import { buttonStyles } from '@/components/styles';
import { defaultConsolePath } from '@/lib/next-path';

export const metadata: Metadata = { title: 'Not allowed' };

/** Where a signed-in member (an end user of the product, not staff) lands when they open the console. */
export default async function NotAllowedPage() {
  const [session, principal] = await Promise.all([consoleSession(), consolePrincipal()]);
  if (!session || principal.kind !== 'user') redirect('/sign-in');
  if (holds(principal, 'users:read')) redirect(defaultConsolePath);
  return (
    <div className="mx-auto max-w-lg space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">Your account can&apos;t use the admin console</h1>
      <p className="text-sm text-slate-600">
        You are signed in as {session.user.email}. The console is for Roster&apos;s staff: ask an owner or admin for access,
        or sign out and sign in with another account.
      </p>
      <form action={signOutAction}>
        <button type="submit" className={buttonStyles.secondary}>
          Sign out
        </button>
      </form>
    </div>
  );
}
