'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';
import { SubmitButton } from './submit-button';

interface RevokeApiKeyButtonProps {
  apiKey: { id: string; name: string };
  /** Only active keys can be revoked; for the others only the last result (if any) is shown. */
  canRevoke: boolean;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
}

/**
 * A one-button form that revokes an API key. With JavaScript it asks for confirmation first; without, the form
 * posts directly. It stays mounted once the key is revoked, so the result is still shown.
 */
export function RevokeApiKeyButton({ apiKey, canRevoke, action }: RevokeApiKeyButtonProps) {
  const [state, formAction] = useActionState(action, idleState);
  const confirmRevoke = (event: React.FormEvent<HTMLFormElement>) => {
    if (!window.confirm(`Revoke the API key “${apiKey.name}”? Integrations using it stop working at once. This cannot be undone.`)) {
      event.preventDefault();
    }
  };
  return (
    <div className="space-y-2">
      {canRevoke && (
        <form action={formAction} onSubmit={confirmRevoke}>
          <input type="hidden" name="id" value={apiKey.id} readOnly />
          <input type="hidden" name="name" value={apiKey.name} readOnly />
          <SubmitButton tone="danger" pendingLabel="Revoking…">
            Revoke<span className="sr-only"> {apiKey.name}</span>
          </SubmitButton>
        </form>
      )}
      <div aria-live="polite">{state.message && <Alert tone={state.status === 'error' ? 'error' : 'success'}>{state.message}</Alert>}</div>
    </div>
  );
}
