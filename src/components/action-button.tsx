'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { ConfirmedSubmit } from './confirmed-submit';
import { FormStatus } from './form-status';
import { NewSecret } from './new-secret';
import type { buttonStyles } from './styles';
import { SubmitButton } from './submit-button';

/** What a button's action may return: on success, a secret to show this once (a rotated signing secret, say). */
export interface ButtonActionState extends ActionState {
  secret?: string;
}

interface ActionButtonProps {
  action: (state: ButtonActionState, formData: FormData) => Promise<ButtonActionState>;
  /** Hidden fields the form posts (ids, versions). */
  fields: Record<string, string>;
  children: React.ReactNode;
  pendingLabel: string;
  tone?: keyof typeof buttonStyles;
  /** Asked before posting: in a dialog with JavaScript, in a step of its own without (ConfirmedSubmit). */
  confirm?: string;
  /** For an action that returns a secret: how Roster stores it and how to use it. */
  secret?: { storedAs: string; usage: React.ReactNode };
  /**
   * False hides the button (a revoked key can't be revoked again) but keeps the component mounted, so the result of
   * the action that made it unavailable is still shown.
   */
  available?: boolean;
}

/** A one-button form for a console action: a plain form post without JavaScript, its result shown beside it. */
export function ActionButton({ action, fields, children, pendingLabel, tone = 'secondary', confirm, secret, available = true }: ActionButtonProps) {
  const [state, formAction] = useActionState<ButtonActionState, FormData>(action, idleState);
  return (
    <div className="space-y-2">
      {available && (
        <form action={formAction}>
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} readOnly />
          ))}
          {confirm ? (
            <ConfirmedSubmit question={confirm} tone={tone} pendingLabel={pendingLabel}>
              {children}
            </ConfirmedSubmit>
          ) : (
            <SubmitButton tone={tone} pendingLabel={pendingLabel}>
              {children}
            </SubmitButton>
          )}
        </form>
      )}
      {state.status === 'success' && state.secret && secret ? (
        <NewSecret key={state.secret} title={state.message ?? ''} secret={state.secret} storedAs={secret.storedAs}>
          {secret.usage}
        </NewSecret>
      ) : (
        <FormStatus state={state} fields={[]} />
      )}
    </div>
  );
}
