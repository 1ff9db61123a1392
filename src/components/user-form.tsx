'use client';

import { useActionState, useState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';

const allRoles = ['member', 'viewer', 'admin', 'owner'];
const statusOptions = ['active', 'suspended'];

interface UserFormProps {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  /** The saved user when editing; absent when creating. */
  user?: { id: string; email: string; name: string; role: string; status: string; version: number };
  submitLabel: string;
  /** The roles this console user may grant; defaults to all. The core decides again on submit. */
  roleOptions?: readonly string[];
  /** Show the saved values without letting them change (no permission to edit this user). */
  readOnly?: boolean;
}

/** Create/edit form. Works as a plain HTML form post before (or without) JavaScript. */
export function UserForm({ action, user, submitLabel, roleOptions = allRoles, readOnly = false }: UserFormProps) {
  const [state, formAction] = useActionState(action, idleState);
  // The page may re-render with someone else's change while this form is open (the live console). Until the user
  // starts editing, the form follows the saved user; once they type, it keeps the version they started from, so
  // saving over someone else's change is refused (412) instead of silently undoing it. A save of its own unpins it.
  const [pin, setPin] = useState<{ version: number; state: ActionState }>();
  const editingFrom = pin && !(pin.state !== state && state.status === 'success') ? pin.version : undefined;
  const errors = state.fieldErrors ?? {};
  // After a failed submit show what the user typed; otherwise the saved values.
  const value = (field: 'email' | 'name' | 'role' | 'status') => state.values?.[field] ?? user?.[field];
  const changedElsewhere = user && editingFrom !== undefined && editingFrom !== user.version;

  return (
    <form
      action={formAction}
      onInput={() => {
        if (user && editingFrom === undefined) setPin({ version: user.version, state });
      }}
      noValidate
      className="max-w-xl space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <FormStatus state={state} fields={['email', 'name', 'role', 'status']} />
      {changedElsewhere && (
        <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-800">
          Someone else changed this user while you were editing. Saving will be refused; reload to see their changes.
        </p>
      )}

      {user && <input type="hidden" name="id" value={user.id} readOnly />}
      {user && <input type="hidden" name="version" value={state.values?.version ?? String(editingFrom ?? user.version)} readOnly />}

      {/* A disabled fieldset disables every control in it, with or without JavaScript. Keyed by the version shown, so
          a change made elsewhere shows in the fields until someone starts editing (which keeps that version). */}
      <fieldset key={editingFrom ?? user?.version} disabled={readOnly} className="space-y-5">
        <Field name="email" label="Email" type="email" autoComplete="off" error={errors.email} defaultValue={value('email')} />
        <Field name="name" label="Name" autoComplete="off" error={errors.name} defaultValue={value('name')} />
        <div className="grid grid-cols-2 gap-4">
          <Field name="role" label="Role" options={roleChoices(roleOptions, value('role'))} error={errors.role} defaultValue={value('role') ?? 'member'} />
          <Field name="status" label="Status" options={statusOptions} error={errors.status} defaultValue={value('status') ?? 'active'} />
        </div>
      </fieldset>
      {readOnly ? (
        <p className="text-sm text-slate-500">You can view this user but not change them.</p>
      ) : (
        <div className="flex items-center gap-3 pt-2">
          <SubmitButton pendingLabel="Saving…">{submitLabel}</SubmitButton>
        </div>
      )}
    </form>
  );
}

/** The grantable roles, plus the current one so a select never shows a role the user doesn't have. */
function roleChoices(options: readonly string[], current: string | undefined): readonly string[] {
  return current && !options.includes(current) ? allRoles.filter((role) => role === current || options.includes(role)) : options;
}
