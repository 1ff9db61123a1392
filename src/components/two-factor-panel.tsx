'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import type { TwoFactorState } from '@/auth/two-factor-enrolment';
import { Alert } from './alert';
import { Field } from './field';
import { FormStatus } from './form-status';
import { RecoveryCodes } from './recovery-codes';
import { SubmitButton } from './submit-button';

type FormAction<S extends ActionState = ActionState> = (state: S, formData: FormData) => Promise<S>;
type EnrolState = ActionState & { recoveryCodes?: string[] };

interface TwoFactorPanelProps {
  state: TwoFactorState;
  start: FormAction<EnrolState>;
  confirm: FormAction;
  disable: FormAction;
}

const card = 'max-w-xl space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm';

/**
 * Two-factor sign-in on the Account page: start (password) → scan the QR code or type the key, note the recovery
 * codes, confirm with a code → on; off again with the password. Every step is a plain form post without JavaScript;
 * the hooks stay mounted across steps, so the recovery codes shown once survive the page re-rendering.
 */
export function TwoFactorPanel({ state, start, confirm, disable }: TwoFactorPanelProps) {
  const notStarted: EnrolState = idleState;
  const [started, startAction] = useActionState(start, notStarted);
  const [confirmed, confirmAction] = useActionState(confirm, idleState);
  const [disabled, disableAction] = useActionState(disable, idleState);

  if (state.status === 'on') {
    return (
      <div className={card}>
        <Alert tone="success">Two-factor sign-in is on. {state.recoveryCodesLeft} of 10 recovery codes left.</Alert>
        <form action={disableAction} noValidate className="space-y-4">
          <FormStatus state={disabled} fields={['password']} />
          <Field name="password" id="field-disable-password" label="Password" type="password" autoComplete="current-password" error={disabled.fieldErrors?.password} />
          <SubmitButton tone="danger" pendingLabel="Turning off…">
            Turn off two-factor sign-in
          </SubmitButton>
        </form>
      </div>
    );
  }

  const startForm = (
    <form action={startAction} noValidate className="space-y-4">
      {started.status === 'error' && <FormStatus state={started} fields={['password']} />}
      <Field name="password" id="field-two-factor-password" label="Password" type="password" autoComplete="current-password" error={started.fieldErrors?.password} />
      <SubmitButton tone={state.status === 'pending' ? 'secondary' : 'primary'} pendingLabel="Starting…">
        {state.status === 'pending' ? 'Start over with a new key' : 'Set up two-factor sign-in'}
      </SubmitButton>
    </form>
  );

  if (state.status === 'off') {
    return (
      <div className={card}>
        <p className="text-sm text-slate-600">Sign in with a code from an authenticator app as well as your password.</p>
        {startForm}
      </div>
    );
  }

  return (
    <div className={card}>
      {started.status === 'success' && <FormStatus state={started} fields={[]} />}
      <div className="flex flex-wrap items-start gap-6">
        {/* Rendered on the server: works without JavaScript and sends the secret to no third party. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src={`data:image/svg+xml;utf8,${encodeURIComponent(state.qrCode)}`} alt="QR code for your authenticator app" width={176} height={176} className="rounded border border-slate-200" />
        <div className="space-y-1 text-sm">
          <p className="font-medium text-slate-700">Can&apos;t scan it? Enter this key:</p>
          <code data-testid="manual-key" className="block break-all rounded bg-slate-100 px-2 py-1 font-mono">
            {state.manualKey}
          </code>
        </div>
      </div>
      {started.recoveryCodes && <RecoveryCodes codes={started.recoveryCodes} />}
      <form action={confirmAction} noValidate className="space-y-4">
        <FormStatus state={confirmed} fields={['code']} />
        <Field name="code" label="Code from your app" autoComplete="one-time-code" error={confirmed.fieldErrors?.code} />
        <SubmitButton pendingLabel="Confirming…">Turn on two-factor sign-in</SubmitButton>
      </form>
      {startForm}
    </div>
  );
}
