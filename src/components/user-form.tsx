'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';
import { Field } from './field';
import { SubmitButton } from './submit-button';

const roleOptions = ['member', 'viewer', 'admin', 'owner'];
const statusOptions = ['active', 'suspended'];

interface UserFormProps {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  /** The saved user when editing; absent when creating. */
  user?: { id: string; email: string; name: string; role: string; status: string; version: number };
  submitLabel: string;
}

/** Create/edit form. Works as a plain HTML form post before (or without) JavaScript. */
export function UserForm({ action, user, submitLabel }: UserFormProps) {
  const [state, formAction] = useActionState(action, idleState);
  const errors = state.fieldErrors ?? {};
  // After a failed submit show what the user typed; otherwise the saved values.
  const value = (field: 'email' | 'name' | 'role' | 'status') => state.values?.[field] ?? user?.[field];

  return (
    <form action={formAction} noValidate className="max-w-xl space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <div aria-live="polite" aria-atomic="true">
        {state.status === 'error' && state.message && <Alert tone="error">{state.message}</Alert>}
        {state.status === 'success' && state.message && <Alert tone="success">{state.message}</Alert>}
      </div>

      {user && <input type="hidden" name="id" value={user.id} readOnly />}
      {user && <input type="hidden" name="version" value={state.values?.version ?? String(user.version)} readOnly />}

      <Field name="email" label="Email" type="email" autoComplete="off" error={errors.email} defaultValue={value('email')} />
      <Field name="name" label="Name" autoComplete="off" error={errors.name} defaultValue={value('name')} />
      <div className="grid grid-cols-2 gap-4">
        <Field name="role" label="Role" options={roleOptions} error={errors.role} defaultValue={value('role') ?? 'member'} />
        <Field name="status" label="Status" options={statusOptions} error={errors.status} defaultValue={value('status') ?? 'active'} />
      </div>
      <div className="flex items-center gap-3 pt-2">
        <SubmitButton pendingLabel="Saving…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
