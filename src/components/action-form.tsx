'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { ConfirmedSubmit } from './confirmed-submit';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';

export interface ActionFormField {
  name: string;
  label: string;
  /** Defaults to `field-<name>`; set it when two forms on a page share a field name. */
  id?: string;
  type?: string;
  autoComplete?: string;
  options?: readonly string[];
  defaultValue?: string;
  /** Secrets (passwords, codes) are never refilled from the echoed values. */
  secret?: boolean;
}

interface ActionFormProps {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  fields?: readonly ActionFormField[];
  /** Posted along, e.g. the id of the row a button acts on. */
  hidden?: Record<string, string>;
  submitLabel: string;
  pendingLabel: string;
  tone?: 'primary' | 'secondary' | 'danger';
  /** Asked before submitting: in a dialog with JavaScript, in a step of its own without (ConfirmedSubmit). */
  confirm?: string;
  /** Text under the fields. */
  hint?: React.ReactNode;
  className?: string;
  /** An id for the submit button's accessible name, when several identical buttons share a page. */
  accessibleSuffix?: string;
}

/**
 * A console form on a Server Action: a plain form post without JavaScript, with the pending state, the outcome
 * banner and per-field errors from the action's ActionState. Failed submissions keep what was typed, except secrets.
 */
export function ActionForm({ action, fields = [], hidden = {}, submitLabel, pendingLabel, tone = 'primary', confirm, hint, className = 'space-y-4', accessibleSuffix }: ActionFormProps) {
  const [state, formAction] = useActionState(action, idleState);
  const errors = state.fieldErrors ?? {};
  const label = (
    <>
      {submitLabel}
      {accessibleSuffix && <span className="sr-only"> {accessibleSuffix}</span>}
    </>
  );
  return (
    <form action={formAction} noValidate className={className}>
      <FormStatus state={state} fields={fields.map((field) => field.name)} />
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} readOnly />
      ))}
      {fields.map((field) => (
        <Field
          key={field.name}
          name={field.name}
          id={field.id}
          label={field.label}
          type={field.type}
          autoComplete={field.autoComplete}
          options={field.options}
          error={errors[field.name]}
          defaultValue={field.secret ? undefined : (state.values?.[field.name] ?? field.defaultValue)}
        />
      ))}
      {hint && <p className="text-sm text-slate-500">{hint}</p>}
      {confirm ? (
        <ConfirmedSubmit question={confirm} tone={tone} pendingLabel={pendingLabel}>
          {label}
        </ConfirmedSubmit>
      ) : (
        <SubmitButton tone={tone} pendingLabel={pendingLabel}>
          {label}
        </SubmitButton>
      )}
    </form>
  );
}
