'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';
import { SubmitButton } from './submit-button';

interface ReprocessEventButtonProps {
  eventId: string;
  /** Only failed events can be reprocessed; for the others only the last result (if any) is shown. */
  canReprocess: boolean;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
}

/**
 * A one-button form that reprocesses a failed webhook event; a plain form post without JavaScript. It stays
 * mounted once the event is no longer failed, so the result of reprocessing it is still shown.
 */
export function ReprocessEventButton({ eventId, canReprocess, action }: ReprocessEventButtonProps) {
  const [state, formAction] = useActionState(action, idleState);
  return (
    <div className="space-y-2">
      {canReprocess && (
        <form action={formAction}>
          <input type="hidden" name="id" value={eventId} readOnly />
          <SubmitButton tone="secondary" pendingLabel="Reprocessing…">
            Reprocess
          </SubmitButton>
        </form>
      )}
      <div aria-live="polite">{state.message && <Alert tone={state.status === 'error' ? 'error' : 'success'}>{state.message}</Alert>}</div>
    </div>
  );
}
