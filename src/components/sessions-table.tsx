'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';
import { SubmitButton } from './submit-button';
import { Cell, Table } from './table';
import { Timestamp } from './timestamp';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** A session as the account page shows it: never its token. */
export interface SessionView {
  id: string;
  device: string;
  userAgent: string | null;
  ipAddress: string | null;
  createdAt: string;
  updatedAt: string;
  current: boolean;
  /** An admin's impersonation of this user: who, and the reason they gave. */
  impersonatedBy?: { adminEmail: string; reason: string } | null;
}

const columns = ['Device', 'IP address', 'Signed in', 'Last active', 'Actions'];

/**
 * A user's sessions, each but the current one with a Revoke button (a plain form post without JavaScript); `hidden`
 * fields go along with each (the user's id, on a staff page).
 * One result message for the whole table, so it stays on screen after the revoked row has gone.
 */
export function SessionsTable({ sessions, revokeAction, hidden = {} }: { sessions: SessionView[]; revokeAction: Action; hidden?: Record<string, string> }) {
  const [state, formAction] = useActionState(revokeAction, idleState);
  return (
    <div className="space-y-3">
      <div aria-live="polite">{state.message && <Alert tone={state.status === 'error' ? 'error' : 'success'}>{state.message}</Alert>}</div>
      <Table columns={columns}>
        {sessions.map((session) => (
          <tr key={session.id} className="align-top hover:bg-slate-50">
            <Cell>
              <p className="font-medium">
                {session.device}
                {session.current && (
                  <span className="ml-2 inline-flex rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">This device</span>
                )}
              </p>
              {session.impersonatedBy && (
                <p className="mt-0.5 text-xs font-medium text-amber-800">
                  Impersonation by {session.impersonatedBy.adminEmail}: {session.impersonatedBy.reason}
                </p>
              )}
              {session.userAgent && <p className="mt-0.5 max-w-md truncate text-xs text-slate-500" title={session.userAgent}>{session.userAgent}</p>}
            </Cell>
            <Cell className="font-mono text-xs text-slate-600">{session.ipAddress ?? '—'}</Cell>
            <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={session.createdAt} /></Cell>
            <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={session.updatedAt} /></Cell>
            <Cell className="w-32">
              {session.current ? (
                <span className="text-xs text-slate-500">Current session</span>
              ) : (
                <form action={formAction}>
                  {Object.entries(hidden).map(([name, value]) => (
                    <input key={name} type="hidden" name={name} value={value} readOnly />
                  ))}
                  <input type="hidden" name="id" value={session.id} readOnly />
                  <SubmitButton tone="secondary" pendingLabel="Revoking…">
                    Revoke<span className="sr-only"> {session.device} session</span>
                  </SubmitButton>
                </form>
              )}
            </Cell>
          </tr>
        ))}
      </Table>
    </div>
  );
}

/** "Sign out all other sessions": stays mounted (showing its result) once there are none left. */
export function RevokeOtherSessionsButton({ hasOthers, action }: { hasOthers: boolean; action: Action }) {
  const [state, formAction] = useActionState(action, idleState);
  return (
    <div className="space-y-3">
      {hasOthers && (
        <form action={formAction}>
          <SubmitButton tone="danger" pendingLabel="Signing out…">
            Sign out all other sessions
          </SubmitButton>
        </form>
      )}
      <div aria-live="polite">{state.message && <Alert tone={state.status === 'error' ? 'error' : 'success'}>{state.message}</Alert>}</div>
    </div>
  );
}
