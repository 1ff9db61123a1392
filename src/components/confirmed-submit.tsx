'use client';

import { useEffect, useId, useRef } from 'react';
import { useFormStatus } from 'react-dom';
import { buttonStyles } from './styles';
import { SubmitButton } from './submit-button';
import { useHydrated } from './use-hydrated';

interface ConfirmedSubmitProps {
  /** What is asked before the form posts, e.g. "Revoke the API key “CRM”? …". */
  question: string;
  children: React.ReactNode;
  pendingLabel: string;
  tone?: keyof typeof buttonStyles;
}

/**
 * A submit button that asks first, inside the form it submits. With JavaScript the question is a modal <dialog>
 * (focus starts on Cancel, Escape cancels), as deletion asks. Without it, the button is a disclosure whose open
 * step shows the question and the real submit button, so a plain form post never happens on the first click.
 */
export function ConfirmedSubmit({ question, children, pendingLabel, tone = 'secondary' }: ConfirmedSubmitProps) {
  const hydrated = useHydrated();
  const { pending } = useFormStatus();
  const dialog = useRef<HTMLDialogElement>(null);
  const questionId = useId();
  // The dialog's submit button posted the form: close it, the trigger shows the pending label.
  useEffect(() => {
    if (pending) dialog.current?.close();
  }, [pending]);

  const confirmation = (
    <p id={questionId} className="text-sm font-medium text-slate-800">
      {question}
    </p>
  );
  if (!hydrated) {
    return (
      <details className="group space-y-3">
        <summary className={`${buttonStyles[tone]} cursor-pointer list-none`}>{children}</summary>
        <div role="group" aria-labelledby={questionId} className="space-y-3 rounded-md border border-slate-200 p-3">
          {confirmation}
          <SubmitButton tone={tone} pendingLabel={pendingLabel}>
            {children}
          </SubmitButton>
        </div>
      </details>
    );
  }
  return (
    <>
      <button type="button" disabled={pending} aria-disabled={pending} onClick={() => dialog.current?.showModal()} className={buttonStyles[tone]}>
        {pending ? pendingLabel : children}
      </button>
      <dialog ref={dialog} aria-label="Confirm" aria-describedby={questionId} className="m-auto max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-xl backdrop:bg-slate-900/40">
        {confirmation}
        <div className="mt-5 flex justify-end gap-3">
          {/* Cancel first and focused: Enter on an open dialog changes nothing. */}
          <button type="button" autoFocus onClick={() => dialog.current?.close()} className={buttonStyles.secondary}>
            Cancel
          </button>
          <SubmitButton tone={tone} pendingLabel={pendingLabel}>
            {children}
          </SubmitButton>
        </div>
      </dialog>
    </>
  );
}
