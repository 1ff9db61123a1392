'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';

/** The first owner's account: email, name and password. Works as a plain form post without JavaScript. */
export function SetupForm({ action }: { action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState(action, idleState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} noValidate className="space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <FormStatus state={state} fields={['email', 'name', 'password']} />
      <Field name="email" label="Email" type="email" autoComplete="username" error={errors.email} defaultValue={state.values?.email} />
      <Field name="name" label="Name" autoComplete="name" error={errors.name} defaultValue={state.values?.name} />
      <Field name="password" label="Password" type="password" autoComplete="new-password" error={errors.password} />
      <p className="text-xs text-slate-500">At least 10 characters.</p>
      <SubmitButton pendingLabel="Creating…">Create owner account</SubmitButton>
    </form>
  );
}
