import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { canManageUser, grantableRoles, requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { DeleteButton } from '@/components/delete-button';
import { EventHistory } from '@/components/event-history';
import { cardStyles } from '@/components/styles';
import { LiveUpdates } from '@/components/live-updates';
import { Timestamp } from '@/components/timestamp';
import { UserForm } from '@/components/user-form';
import type { SearchParams } from '@/lib/search-params';
import { consoleContext } from '@/actions/context';
import { ActionForm } from '@/components/action-form';
import { hasTwoFactor } from '@/core/accounts';
import { PasskeyTable } from '@/components/passkeys';
import { listPasskeys } from '@/core/passkeys';
import { impersonateUserAction } from '@/actions/impersonation';
import { IMPERSONATION_MINUTES, impersonationRefusal, REASON_MIN } from '@/core/impersonation';
import { hasVerifiedEmail, listUserSessions } from '@/core/users';
import { UserStaffTools } from '@/components/user-staff-tools';
import { deleteUserAction, removeUserPasskeyAction, resetTwoFactorAction, updateUserAction } from '../actions';
import {
  resendVerificationAction,
  revokeUserSessionAction,
  sendPasswordResetAction,
  signOutEverywhereAction,
  suspendUserAction,
  unsuspendUserAction,
} from '../staff-actions';
import { readUser, readUserHistory } from '../data';
import { readUserOrganizations } from '../../organizations/data';

export const metadata: Metadata = { title: 'User' };

interface UserPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}

export default async function UserPage({ params, searchParams }: UserPageProps) {
  const { id } = await params;
  const principal = await requireConsoleUser(`/users/${id}`);
  const user = await readUser(id);
  if (!user) notFound();
  const [history, organizations, { created }] = await Promise.all([readUserHistory(id), readUserOrganizations(id), searchParams]);
  const canManage = canManageUser(principal, user.role);
  const impersonationRefused = impersonationRefusal(principal, user);
  const context = await consoleContext();
  const [twoFactor, passkeys, emailVerified, sessions] = await Promise.all([
    hasTwoFactor(context, id),
    listPasskeys(context, id),
    hasVerifiedEmail(context, id),
    canManage ? listUserSessions(context, id) : [],
  ]);

  return (
    <div className="space-y-6">
      <div>
        <Link href="/users" className="text-sm text-slate-600 hover:text-slate-900">← Users</Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{user.name}</h1>
          <Badge value={user.role} />
          <Badge value={user.status} />
          <LiveUpdates follows="user" id={user.id} />
        </div>
        <p className="mt-1 text-sm text-slate-500">
          {user.email} · plan {user.plan}
          {user.subscriptionStatus && <> · subscription {user.subscriptionStatus}</>} · version {user.version} · created <Timestamp iso={user.createdAt} dateOnly />
        </p>
      </div>

      {created && <Alert tone="success">User created.</Alert>}

      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="space-y-6">
          <UserForm action={updateUserAction} user={user} submitLabel="Save changes" roleOptions={grantableRoles(principal)} readOnly={!canManage} />
          {canManage && (
            <UserStaffTools
              user={user}
              emailVerified={emailVerified}
              sessions={sessions.map((session) => ({ ...session, updatedAt: session.lastActiveAt, current: false }))}
              actions={{
                revokeSession: revokeUserSessionAction,
                signOutEverywhere: signOutEverywhereAction,
                sendPasswordReset: sendPasswordResetAction,
                resendVerification: resendVerificationAction,
                suspend: suspendUserAction,
                unsuspend: unsuspendUserAction,
              }}
            />
          )}
          {!canManage && user.status === 'suspended' && user.suspensionReason && <Alert tone="info">Suspended: {user.suspensionReason}</Alert>}
          <section aria-labelledby="impersonate" className={cardStyles}>
            <h2 id="impersonate" className="font-semibold">Impersonate</h2>
            {impersonationRefused === null ? (
              <ActionForm
                action={impersonateUserAction}
                hidden={{ userId: user.id }}
                fields={[
                  { name: 'reason', label: 'Reason' },
                  { name: 'ticket', label: 'Ticket reference (optional)' },
                ]}
                submitLabel="Impersonate"
                pendingLabel="Starting…"
                tone="secondary"
                hint={`See Roster as they do, for at most ${IMPERSONATION_MINUTES} minutes. The reason (at least ${REASON_MIN} characters) is recorded, and they see it in their sessions. Password, email, second factor, API keys and deleting the account stay off limits.`}
              />
            ) : (
              <p className="text-sm text-slate-600">{impersonationRefused}</p>
            )}
          </section>
          <section aria-labelledby="two-factor" className={cardStyles}>
            <h2 id="two-factor" className="font-semibold">Two-factor sign-in</h2>
            <p className="text-sm text-slate-600">{twoFactor ? 'On: they sign in with a code from an authenticator app.' : 'Off.'}</p>
            {twoFactor && canManage && (
              <ActionForm
                action={resetTwoFactorAction}
                hidden={{ id: user.id }}
                submitLabel="Reset two-factor sign-in"
                pendingLabel="Resetting…"
                tone="secondary"
                confirm={`Reset ${user.email}'s two-factor sign-in? They sign in with their password alone until they set it up again.`}
                hint="For a lost phone: removes their authenticator and recovery codes."
              />
            )}
          </section>
          <section aria-labelledby="passkeys" className="space-y-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <h2 id="passkeys" className="font-semibold">Passkeys</h2>
            <PasskeyTable passkeys={passkeys} remove={canManage ? removeUserPasskeyAction : undefined} removeLabel="Remove passkey" />
          </section>
          <section aria-labelledby="organizations" className={cardStyles}>
            <h2 id="organizations" className="font-semibold">Organizations</h2>
            {organizations.length === 0 ? (
              <p className="text-sm text-slate-600">Not a member of any organization.</p>
            ) : (
              <ul className="divide-y divide-slate-100 text-sm">
                {organizations.map((organization) => (
                  <li key={organization.id} className="flex items-center justify-between gap-3 py-2">
                    <Link href={`/organizations/${organization.id}`} className="font-medium text-indigo-700 hover:underline">
                      {organization.name}
                    </Link>
                    <Badge value={organization.role} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          {canManage && (
            <section aria-labelledby="danger-zone" className="max-w-xl rounded-lg border border-red-200 bg-white p-6 shadow-sm">
              <h2 id="danger-zone" className="font-semibold text-red-700">Delete user</h2>
              <p className="mb-4 mt-1 text-sm text-slate-600">Removes the user for good. The audit trail keeps a record.</p>
              <DeleteButton
                action={deleteUserAction}
                fields={{ id: user.id, email: user.email, version: String(user.version) }}
                confirmationHref={`/users/${user.id}/delete`}
                question={`Delete ${user.email}? This cannot be undone.`}
                label="Delete user"
              />
            </section>
          )}
        </div>
        <EventHistory events={history.events} people={history.people} />
      </div>
    </div>
  );
}
