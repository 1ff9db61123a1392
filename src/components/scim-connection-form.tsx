'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Field } from './field';
import { FormStatus } from './form-status';
import { NewSecret } from './new-secret';
import { SubmitButton } from './submit-button';

/** What the create action returns: on success, the new connection's token (this once) and the base URL. */
export interface ScimConnectionFormState extends ActionState {
  token?: string;
  baseUrl?: string;
  connectionName?: string;
}

const initialState: ScimConnectionFormState = { status: 'idle' };

interface ScimConnectionFormProps {
  action: (state: ScimConnectionFormState, formData: FormData) => Promise<ScimConnectionFormState>;
  organizationId: string;
}

/** Name and password setup. A plain form post without JavaScript; after a create, the base URL and the token once. */
export function ScimConnectionForm({ action, organizationId }: ScimConnectionFormProps) {
  const [state, formAction] = useActionState(action, initialState);
  const errors = state.fieldErrors ?? {};
  const values = state.status === 'error' ? (state.values ?? {}) : {};

  return (
    <div className="space-y-4">
      {state.status === 'success' && state.token && (
        <NewSecret key={state.token} title={`Created the SCIM connection “${state.connectionName ?? ''}”.`} secret={state.token} storedAs="a hash of it">
          In Okta or Entra, set the SCIM base URL (tenant URL) to <code>{state.baseUrl}</code> and the bearer token (secret token) to this.
        </NewSecret>
      )}
      <form action={formAction} noValidate className="max-w-xl space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h3 className="text-lg font-semibold">New SCIM connection</h3>
        <input type="hidden" name="organizationId" value={organizationId} readOnly />
        {/* A success is the secret above. */}
        <FormStatus state={state.status === 'error' ? state : idleState} fields={['name', 'passwordSetup']} />
        <Field name="name" id="scim-name" label="Name" autoComplete="off" placeholder="e.g. Okta" error={errors.name} defaultValue={values.name} />
        <Field
          name="passwordSetup"
          id="scim-passwordSetup"
          label="Password setup for provisioned users"
          options={['none', 'invitation']}
          error={errors.passwordSetup}
          defaultValue={values.passwordSetup ?? 'none'}
        />
        <p className="-mt-3 text-sm text-slate-500">
          <code>none</code>: they sign in through the organization&apos;s identity provider. <code>invitation</code>: each gets an email to set a Roster password.
        </p>
        <div className="flex items-center gap-3 pt-2">
          <SubmitButton pendingLabel="Creating…">Create SCIM connection</SubmitButton>
        </div>
      </form>
    </div>
  );
}
