'use client';

import { useId, useRef, useState, useTransition } from 'react';
import type { ActionState } from '@/actions/action-state';
import { idleState } from '@/actions/action-state';
import { FormStatus } from './form-status';
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
 * With JavaScript: confirm in a modal <dialog> (focus starts on Cancel, stays inside, Escape cancels, and returns to
 * the button on close), then run the action in a transition (pending label while it runs).
 * Without JavaScript it is a link to the confirmation page, whose form (DeleteForm) posts to the same action.
 */
export function DeleteButton({ action, fields, confirmationHref, question, label }: DeleteButtonProps) {
  const [isPending, startTransition] = useTransition();
  const [result, setResult] = useState<ActionState>(idleState);
  const dialog = useRef<HTMLDialogElement>(null);
  const questionId = useId();

  const onClick = (event: React.MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    if (!isPending) dialog.current?.showModal();
  };

  const confirm = () => {
    dialog.current?.close();
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
      <dialog ref={dialog} aria-label="Confirm deletion" aria-describedby={questionId} className="m-auto max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-xl backdrop:bg-slate-900/40">
        <p id={questionId} className="text-sm font-medium text-slate-800">
          {question}
        </p>
        <div className="mt-5 flex justify-end gap-3">
          {/* Cancel first and focused: Enter on an open dialog keeps the data. */}
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonStyles.secondary}>
            Cancel
          </button>
          <button type="button" onClick={confirm} className={buttonStyles.danger}>
            {label}
          </button>
        </div>
      </dialog>
      <FormStatus state={result} fields={[]} />
    </div>
  );
}
