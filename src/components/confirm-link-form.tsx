'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { FormStatus } from './form-status';
import { UnusableLink } from './link-page';
import { SubmitButton } from './submit-button';

interface ConfirmLinkFormProps {
  token: string;
  /** Why the link can't be used, as the page found it. Once it is confirmed here, that becomes "already used". */
  problem: string | null;
  explanation: string;
  submitLabel: string;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
}

/** One button that confirms a link; after it succeeds, the outcome is shown rather than the now-used link's state. */
export function ConfirmLinkForm({ token, problem, explanation, submitLabel, action }: ConfirmLinkFormProps) {
  const [state, formAction] = useActionState(action, idleState);
  // Once confirmed (or refused), the page finds the link used: show what happened, not that.
  if (state.status !== 'idle' && problem) return <FormStatus state={state} fields={[]} />;
  if (problem) return <UnusableLink message={problem} />;
  return (
    <form action={formAction} className="space-y-4">
      <FormStatus state={state} fields={[]} />
      <input type="hidden" name="token" value={token} readOnly />
      <p className="text-sm text-slate-500">{explanation}</p>
      <SubmitButton pendingLabel="Confirming…">{submitLabel}</SubmitButton>
    </form>
  );
}
