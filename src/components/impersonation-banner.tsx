import { stopImpersonatingAction } from '@/actions/impersonation';
import type { Principal } from '@/core/principal';
import { readOpenImpersonation } from '@/core/impersonation';
import { getDatabase } from '@/db';
import { SubmitButton } from './submit-button';
import { Timestamp } from './timestamp';

/**
 * On every page while an admin acts as a user: who, why, the time left (as of this render, and the end time), and
 * Stop — a plain form post, so it works without JavaScript.
 */
export async function ImpersonationBanner({ principal }: { principal: Principal }) {
  if (principal.kind !== 'user' || !principal.impersonation) return null;
  const impersonation = await readOpenImpersonation((await getDatabase()).db, principal.impersonation.impersonationId);
  if (!impersonation) return null;
  const minutesLeft = Math.max(0, Math.ceil((new Date(impersonation.expiresAt).getTime() - Date.now()) / 60_000));
  return (
    <div role="region" aria-label="Impersonation" className="border-b border-amber-300 bg-amber-100 text-amber-950">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-6 py-3 text-sm">
        <p>
          <strong>Acting as</strong> {impersonation.userName} ({impersonation.userEmail})
        </p>
        <p>
          <span className="font-medium">Reason:</span> {impersonation.reason}
          {impersonation.ticket && <> · ticket {impersonation.ticket}</>}
        </p>
        <p>
          <span className="font-medium">Time left:</span> {minutesLeft} min (ends <Timestamp iso={impersonation.expiresAt} />)
        </p>
        <form action={stopImpersonatingAction} className="ml-auto">
          <SubmitButton tone="secondary" pendingLabel="Stopping…">
            Stop impersonating
          </SubmitButton>
        </form>
      </div>
    </div>
  );
}
