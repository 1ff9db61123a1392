import { APIError } from 'better-auth/api';
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { getAuth } from '@/auth';
import { consoleSession } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { signOutAction } from '@/actions/sign-out';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { ChangePasswordForm } from '@/components/change-password-form';
import { RevokeOtherSessionsButton, SessionsTable, type SessionView } from '@/components/sessions-table';
import { SubmitButton } from '@/components/submit-button';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { twoFactorState } from '@/auth/two-factor-enrolment';
import { ActionForm } from '@/components/action-form';
import { TwoFactorPanel } from '@/components/two-factor-panel';
import { getDatabase } from '@/db';
import { AddPasskeyForm, PasskeyTable } from '@/components/passkeys';
import { listPasskeys } from '@/core/passkeys';
import { describeImpersonations } from '@/core/impersonation';
import { isFreshSession } from '@/auth/passkeys';
import { describeUserAgent } from '@/core/users/device';
import {
  addPasskeyAction,
  deletePasskeyAction,
  passkeyCreationOptionsAction,
  renamePasskeyAction,
  changePasswordAction,
  confirmTwoFactorAction,
  disableTwoFactorAction,
  requestEmailChangeAction,
  revokeOtherSessionsAction,
  revokeSessionAction,
  startTwoFactorAction,
} from './actions';

export const metadata: Metadata = { title: 'Account' };

/** The signed-in user's own account: who they are, where they are signed in, and their password. */
export default async function AccountPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await requireConsoleUser('/account');
  // Set by the redirects of changePasswordAction, the two-factor actions and requireConsoleUser.
  const { password, 'two-factor': twoFactor } = pickSearchParams(await searchParams, ['password', 'two-factor']);
  const session = await consoleSession();
  // requireConsoleUser has just read this (cached) session; it can't be missing here.
  if (!session) throw new Error('No session for a signed-in console user');
  const sessions = await readOwnSessions(session.session.id);
  const hasOthers = sessions === null || sessions.some((entry) => !entry.current);
  const { db } = await getDatabase();
  const secondFactor = await twoFactorState(await getAuth(), db, session.user);
  const passkeys = await listPasskeys({ db, principal }, principal.userId);
  // Better Auth's `freshAge` (a day): an older session adds a passkey only with the password again.
  const needsPassword = !isFreshSession(session.session.createdAt, (await (await getAuth()).$context).sessionConfig.freshAge);

  return (
    <div className="space-y-10">
      <section aria-labelledby="account-heading" className="space-y-4">
        <h1 id="account-heading" className="text-2xl font-semibold tracking-tight">
          Account
        </h1>
        <dl className="grid max-w-xl grid-cols-[8rem_1fr] gap-x-4 gap-y-2 rounded-lg border border-slate-200 bg-white p-6 text-sm shadow-sm">
          <dt className="font-medium text-slate-500">Email</dt>
          <dd>{session.user.email}</dd>
          <dt className="font-medium text-slate-500">Name</dt>
          <dd>{session.user.name}</dd>
          <dt className="font-medium text-slate-500">Email verified</dt>
          <dd>{session.user.emailVerified ? 'Yes' : 'Not yet: follow the link we sent to this address'}</dd>
          <dt className="font-medium text-slate-500">Role</dt>
          <dd>
            <Badge value={principal.role} />
          </dd>
        </dl>
      </section>

      <section aria-labelledby="two-factor-heading" className="space-y-4">
        <h2 id="two-factor-heading" className="text-xl font-semibold tracking-tight">
          Two-factor sign-in
        </h2>
        {twoFactor === 'required' && secondFactor.status !== 'on' && (
          <Alert tone="error">This Roster requires admins and owners to use two-factor sign-in. Set it up to use the console.</Alert>
        )}
        {twoFactor === 'on' && <Alert tone="success">Two-factor sign-in is on. Next time you sign in, Roster asks for a code.</Alert>}
        {twoFactor === 'off' && <Alert tone="success">Two-factor sign-in is off.</Alert>}
        <TwoFactorPanel state={secondFactor} start={startTwoFactorAction} confirm={confirmTwoFactorAction} disable={disableTwoFactorAction} />
      </section>

      <section aria-labelledby="passkeys-heading" className="space-y-4">
        <div>
          <h2 id="passkeys-heading" className="text-xl font-semibold tracking-tight">
            Passkeys
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            Sign in with your fingerprint, face or device PIN instead of a password: nothing to steal or phish. A passkey counts as two-factor sign-in.
          </p>
        </div>
        <PasskeyTable passkeys={passkeys} rename={renamePasskeyAction} remove={deletePasskeyAction} removeLabel="Delete" />
        <AddPasskeyForm needsPassword={needsPassword} optionsAction={passkeyCreationOptionsAction} addAction={addPasskeyAction} />
      </section>

      <section aria-labelledby="email-heading" className="space-y-4">
        <h2 id="email-heading" className="text-xl font-semibold tracking-tight">
          Change email
        </h2>
        <ActionForm
          action={requestEmailChangeAction}
          fields={[{ name: 'email', id: 'field-new-email', label: 'New email', type: 'email', autoComplete: 'email' }]}
          hint="We send a link to the new address; your email changes when you follow it, and the current address is told."
          submitLabel="Send confirmation link"
          pendingLabel="Sending…"
          className="max-w-xl space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        />
      </section>

      <section aria-labelledby="sessions-heading" className="space-y-4">
        <div>
          <h2 id="sessions-heading" className="text-xl font-semibold tracking-tight">
            Sessions
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            Where you are signed in. Revoke a session you don&apos;t recognise: that device is signed out on its next request.
          </p>
        </div>
        {sessions === null ? (
          <Alert tone="info">
            <p>For your security, your sessions are listed only within a day of signing in. Sign in again to see and revoke them one by one.</p>
            <form action={signOutAction} className="mt-3">
              <SubmitButton tone="secondary" pendingLabel="Signing out…">
                Sign out and sign in again
              </SubmitButton>
            </form>
          </Alert>
        ) : (
          <SessionsTable sessions={sessions} revokeAction={revokeSessionAction} />
        )}
        <RevokeOtherSessionsButton hasOthers={hasOthers} action={revokeOtherSessionsAction} />
      </section>

      <section aria-labelledby="password-heading" className="space-y-4">
        <h2 id="password-heading" className="text-xl font-semibold tracking-tight">
          Change password
        </h2>
        {password === 'changed' && <Alert tone="success">Password changed. All your other sessions were signed out.</Alert>}
        <ChangePasswordForm action={changePasswordAction} />
      </section>
    </div>
  );
}

/**
 * The caller's unexpired sessions, this one first, then the most recently active; null when Better Auth won't list
 * them because this session is over a day old (its `freshAge`).
 */
async function readOwnSessions(currentId: string): Promise<SessionView[] | null> {
  let sessions;
  try {
    sessions = await (await getAuth()).api.listSessions({ headers: await headers() });
  } catch (error) {
    if (error instanceof APIError && error.body?.code === 'SESSION_NOT_FRESH') return null;
    throw error;
  }
  // A session an admin ran as this user shows as such: by whom, and why.
  const impersonations = await describeImpersonations(
    (await getDatabase()).db,
    sessions.flatMap((session) => (typeof session.impersonationId === 'string' ? [session.impersonationId] : [])),
  );
  return sessions
    .map((session) => ({
      id: session.id,
      device: describeUserAgent(session.userAgent),
      userAgent: session.userAgent ?? null,
      ipAddress: session.ipAddress || null,
      createdAt: new Date(session.createdAt).toISOString(),
      updatedAt: new Date(session.updatedAt).toISOString(),
      current: session.id === currentId,
      impersonatedBy: (typeof session.impersonationId === 'string' && impersonations.get(session.impersonationId)) || null,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current) || b.updatedAt.localeCompare(a.updatedAt));
}
