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
  /** For a confirmation that deletes nothing (a bulk suspend): a calmer button. */
  tone?: 'danger' | 'primary';
  pendingLabel?: string;
}

/** A deletion's (or another grave change's) confirmation step as a plain form: works without JavaScript. */
export function DeleteForm({ action, fields, label, cancelHref, tone = 'danger', pendingLabel = 'Deleting…' }: DeleteFormProps) {
  const [state, formAction] = useActionState(action, idleState);
  return (
    <form action={formAction} className="space-y-4">
      <FormStatus state={state} fields={[]} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} readOnly />
      ))}
      {/* Wraps, and long addresses in the label break: the page must fit a 390 px phone. */}
      <div className="flex flex-wrap gap-3 break-all">
        <SubmitButton tone={tone} pendingLabel={pendingLabel}>
          {label}
        </SubmitButton>
        <Link href={cancelHref} className={buttonStyles.secondary}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
