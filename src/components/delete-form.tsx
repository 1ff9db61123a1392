'use client';

import { useActionState } from 'react';
import Link from 'next/link';
import { idleState, type ActionState } from '@/actions/action-state';
import { FormStatus } from './form-status';
import { buttonStyles } from './styles';
import { SubmitButton } from './submit-button';

interface DeleteFormProps {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  /** What the action is posted (id, version, …). */
  fields: Record<string, string>;
  /** The submit button's text, e.g. "Yes, delete ada@example.com". */
  label: string;
  /** Where Cancel leads: the page the deletion started from. */
  cancelHref: string;
}

/** A deletion's confirmation step as a plain form: the path for browsers without JavaScript. */
export function DeleteForm({ action, fields, label, cancelHref }: DeleteFormProps) {
  const [state, formAction] = useActionState(action, idleState);
  return (
    <form action={formAction} className="space-y-4">
      <FormStatus state={state} fields={[]} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} readOnly />
      ))}
      {/* Wraps, and long addresses in the label break: the page must fit a 390 px phone. */}
      <div className="flex flex-wrap gap-3 break-all">
        <SubmitButton tone="danger" pendingLabel="Deleting…">
          {label}
        </SubmitButton>
        <Link href={cancelHref} className={buttonStyles.secondary}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
