'use client';

import { useState, useTransition } from 'react';
import type { ActionState } from '@/actions/action-state';
import { idleState } from '@/actions/action-state';
import { Alert } from './alert';
import { buttonStyles } from './styles';

export interface DeleteButtonProps {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  /** What the action is posted (id, version, …). */
  fields: Record<string, string>;
  /** The confirmation page, where the button leads when JavaScript is off. */
  confirmationHref: string;
  /** The question asked in place, with JavaScript. */
  question: string;
  label: string;
}

/**
 * With JavaScript: confirm in place, then run the action in a transition (pending label while it runs).
 * Without JavaScript it is a link to the confirmation page, whose form (DeleteForm) posts to the same action.
 */
export function DeleteButton({ action, fields, confirmationHref, question, label }: DeleteButtonProps) {
  const [isPending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionState>(idleState);

  const onClick = (event: React.MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    if (isPending || !window.confirm(question)) return;
    const formData = new FormData();
    for (const [name, value] of Object.entries(fields)) formData.set(name, value);
    startTransition(async () => setResult(await action(idleState, formData)));
  };

  return (
    <div className="space-y-3">
      <a
        href={confirmationHref}
        onClick={onClick}
        role="button"
        aria-disabled={isPending}
        className={`${buttonStyles.danger} ${isPending ? 'pointer-events-none opacity-60' : ''}`}
      >
        {isPending ? 'Deleting…' : label}
      </a>
      <div aria-live="polite">{result.status === 'error' && <Alert tone="error">{result.message}</Alert>}</div>
    </div>
  );
}
