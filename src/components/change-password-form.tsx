'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';

/**
 * Current, new and confirmed password. A plain form post without JavaScript; passwords are never echoed back. A
 * successful change redirects (the session is replaced), and the account page shows the success message.
 */
export function ChangePasswordForm({ action }: { action: (state: ActionState, formData: FormData) => Promise<ActionState> }) {
  const [state, formAction] = useActionState(action, idleState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} noValidate className="max-w-xl space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <FormStatus state={state} fields={['currentPassword', 'newPassword', 'confirmPassword']} />
      <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" error={errors.currentPassword} />
      <Field name="newPassword" label="New password" type="password" autoComplete="new-password" error={errors.newPassword} />
      <Field name="confirmPassword" label="Confirm new password" type="password" autoComplete="new-password" error={errors.confirmPassword} />
      <p className="text-sm text-slate-500">At least 10 characters. Changing it signs you out everywhere else.</p>
      <div className="flex items-center gap-3 pt-2">
        <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
      </div>
    </form>
  );
}
