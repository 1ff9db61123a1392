'use client';

import { useState, useTransition } from 'react';
import type { ActionState } from '@/actions/action-state';
import { idleState } from '@/actions/action-state';
import { Alert } from './alert';
import { buttonStyles } from './styles';

interface DeleteUserButtonProps {
  user: { id: string; email: string; version: number };
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
}

/**
 * With JavaScript: confirm in place, then run the action in a transition (pending label while it runs).
 * Without JavaScript it is a link to the confirmation page, whose form posts to the same action.
 */
export function DeleteUserButton({ user, action }: DeleteUserButtonProps) {
  const [isPending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionState>(idleState);

  const onClick = (event: React.MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    if (isPending || !window.confirm(`Delete ${user.email}? This cannot be undone.`)) return;
    const formData = new FormData();
    formData.set('id', user.id);
    formData.set('email', user.email);
    formData.set('version', String(user.version));
    startTransition(async () => setResult(await action(idleState, formData)));
  };

  return (
    <div className="space-y-3">
      <a
        href={`/users/${user.id}/delete`}
        onClick={onClick}
        role="button"
        aria-disabled={isPending}
        className={`${buttonStyles.danger} ${isPending ? 'pointer-events-none opacity-60' : ''}`}
      >
        {isPending ? 'Deleting…' : 'Delete user'}
      </a>
      <div aria-live="polite">{result.status === 'error' && <Alert tone="error">{result.message}</Alert>}</div>
    </div>
  );
}
