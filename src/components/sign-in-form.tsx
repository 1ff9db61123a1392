'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';
import { Field } from './field';
import { FormStatus } from './form-status';
import { SubmitButton } from './submit-button';

type FormAction = (state: ActionState, formData: FormData) => Promise<ActionState>;

/** Email and password. A plain form post without JavaScript; `next` rides along as a hidden field. */
export function SignInForm({ action, next }: { action: FormAction; next?: string }) {
  const [state, formAction] = useActionState(action, idleState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} noValidate className="space-y-5">
      <FormStatus state={state} fields={['email', 'password']} />
      {next && <input type="hidden" name="next" value={next} readOnly />}
      {/* `webauthn`: the browser's autofill may offer passkeys here too (conditional UI, src/components/passkeys.tsx). */}
      <Field name="email" label="Email" type="email" autoComplete="username webauthn" error={errors.email} defaultValue={state.values?.email} />
      <Field name="password" label="Password" type="password" autoComplete="current-password" error={errors.password} />
      <SubmitButton pendingLabel="Signing in…">Sign in</SubmitButton>
    </form>
  );
}

/** "Continue with <provider>": one button that posts to the action starting the OpenID Connect flow. */
export function OidcSignInForm({ action, next, providerName }: { action: FormAction; next?: string; providerName: string }) {
  const [state, formAction] = useActionState(action, idleState);
  return (
    <form action={formAction} className="space-y-3">
      <div aria-live="polite">{state.status === 'error' && state.message && <Alert tone="error">{state.message}</Alert>}</div>
      {next && <input type="hidden" name="next" value={next} readOnly />}
      <SubmitButton tone="secondary" pendingLabel="Redirecting…">
        Continue with {providerName}
      </SubmitButton>
    </form>
  );
}
