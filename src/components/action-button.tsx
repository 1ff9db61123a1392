'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';
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
  /** Asked with JavaScript before posting; without JavaScript the form posts directly. */
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
  const askFirst = (event: React.FormEvent<HTMLFormElement>) => {
    if (confirm && !window.confirm(confirm)) event.preventDefault();
  };
  return (
    <div className="space-y-2">
      {available && (
        <form action={formAction} onSubmit={askFirst}>
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} readOnly />
          ))}
          <SubmitButton tone={tone} pendingLabel={pendingLabel}>
            {children}
          </SubmitButton>
        </form>
      )}
      {state.status === 'success' && state.secret && secret ? (
        <NewSecret key={state.secret} title={state.message ?? ''} secret={state.secret} storedAs={secret.storedAs}>
          {secret.usage}
        </NewSecret>
      ) : (
        <div aria-live="polite">{state.message && <Alert tone={state.status === 'error' ? 'error' : 'success'}>{state.message}</Alert>}</div>
      )}
    </div>
  );
}
