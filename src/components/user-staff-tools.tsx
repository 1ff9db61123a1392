import { ActionForm } from './action-form';
import { SessionsTable, type SessionView } from './sessions-table';
import { cardStyles } from './styles';
import { Timestamp } from './timestamp';
import type { ActionState } from '@/actions/action-state';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

interface StaffToolsProps {
  user: { id: string; email: string; status: 'active' | 'suspended'; suspensionReason?: string; suspendedUntil?: string };
  sessions: SessionView[];
  emailVerified: boolean;
  actions: Record<'revokeSession' | 'signOutEverywhere' | 'sendPasswordReset' | 'resendVerification' | 'suspend' | 'unsuspend', Action>;
}

/** What staff who manage a user do to their account: suspend it, end their sessions, email them links. */
export function UserStaffTools({ user, sessions, emailVerified, actions }: StaffToolsProps) {
  const id = { id: user.id };
  return (
    <>
      <section aria-labelledby="suspension" className={cardStyles}>
        <h2 id="suspension" className="font-semibold">Suspension</h2>
        {user.status === 'suspended' ? (
          <>
            <dl className="grid grid-cols-[6rem_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="font-medium text-slate-500">Reason</dt>
              <dd>{user.suspensionReason ?? 'None given'}</dd>
              <dt className="font-medium text-slate-500">Until</dt>
              <dd>{user.suspendedUntil ? <Timestamp iso={user.suspendedUntil} /> : 'Staff lift it'}</dd>
            </dl>
            <ActionForm action={actions.unsuspend} hidden={id} submitLabel="Unsuspend" pendingLabel="Unsuspending…" tone="secondary" />
          </>
        ) : (
          <ActionForm
            action={actions.suspend}
            hidden={id}
            fields={[
              { name: 'reason', label: 'Reason', id: 'suspension-reason' },
              { name: 'until', label: 'Until (UTC, optional)', type: 'datetime-local', id: 'suspension-until' },
            ]}
            submitLabel="Suspend"
            pendingLabel="Suspending…"
            tone="danger"
            confirm={`Suspend ${user.email}? They are signed out everywhere at once.`}
            hint="They can't sign in while suspended, and are signed out everywhere now. With an end, they are active again by themselves (within a minute after it)."
          />
        )}
      </section>
      <section aria-labelledby="user-sessions" className="space-y-3 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="user-sessions" className="font-semibold">Sessions</h2>
        {sessions.length === 0 ? <p className="text-sm text-slate-600">Not signed in anywhere.</p> : <SessionsTable sessions={sessions} revokeAction={actions.revokeSession} hidden={{ userId: user.id }} />}
        <ActionForm
          action={actions.signOutEverywhere}
          hidden={id}
          submitLabel="Sign out everywhere"
          pendingLabel="Signing out…"
          tone="danger"
          confirm={`Sign ${user.email} out on every device?`}
        />
      </section>
      <section aria-labelledby="reset-and-verification" className={cardStyles}>
        <h2 id="reset-and-verification" className="font-semibold">Reset and verification</h2>
        <ActionForm action={actions.sendPasswordReset} hidden={id} submitLabel="Send password reset" pendingLabel="Sending…" tone="secondary" hint="Emails them a link to choose a new password (valid 30 minutes)." />
        {!emailVerified && (
          <ActionForm action={actions.resendVerification} hidden={id} submitLabel="Resend verification" pendingLabel="Sending…" tone="secondary" hint="Their address is not verified yet: emails them a new link." />
        )}
      </section>
    </>
  );
}
