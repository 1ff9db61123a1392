'use client';

import { useActionState } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import { Field } from './field';
import { FormStatus } from './form-status';
import { NewSecret } from './new-secret';
import { SubmitButton } from './submit-button';

/** What the create action returns: on success, the new key's secret (this once). */
export interface ApiKeyFormState extends ActionState {
  secret?: string;
  keyName?: string;
}

const scopeOptions = [
  { value: 'users:read', hint: 'List and read users' },
  { value: 'users:write', hint: 'Create, update and delete users (reading included)' },
  { value: 'events:read', hint: 'Stream and read the event log (every change, by anyone)' },
  { value: 'webhooks:write', hint: 'Subscribe and manage webhook endpoints (REST hooks for Zapier, n8n, …)' },
  { value: 'organizations:read', hint: 'List and read every organization and its members' },
  { value: 'organizations:write', hint: 'Create, change and delete organizations and their members (reading included)' },
] as const;

const initialState: ApiKeyFormState = { status: 'idle' };

/**
 * Name, scopes and an optional expiry date. A plain form post without JavaScript. After a successful create the
 * secret is shown once, in a read-only field, and lives only in this form's state.
 */
interface ApiKeyFormProps {
  action: (state: ApiKeyFormState, formData: FormData) => Promise<ApiKeyFormState>;
  /** The scopes offered (an organization's key may hold fewer); every scope by default. The first is ticked. */
  scopes?: readonly string[];
  /** Posted along, e.g. the organization the key belongs to. */
  hidden?: Record<string, string>;
  /** Prefixes the fields' ids, for a page with other forms that have a `name` field. */
  idPrefix?: string;
}

export function ApiKeyForm({ action, scopes = scopeOptions.map((scope) => scope.value), hidden = {}, idPrefix = 'field-' }: ApiKeyFormProps) {
  const [state, formAction] = useActionState(action, initialState);
  const errors = state.fieldErrors ?? {};
  const values = state.status === 'error' ? (state.values ?? {}) : {};
  const checkedScopes = values.scopes === undefined ? scopes.slice(0, 1) : values.scopes.split(',');
  const scopesErrorId = `${idPrefix}scopes-error`;

  return (
    <div className="space-y-4">
      {state.status === 'success' && state.secret && (
        <NewSecret key={state.secret} title={`Created the API key “${state.keyName ?? ''}”.`} secret={state.secret} storedAs="a hash of it">
          Send it as <code>Authorization: Bearer &lt;secret&gt;</code> to <code>/api/v1</code>.
        </NewSecret>
      )}
      <form action={formAction} noValidate className="max-w-xl space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-semibold">New API key</h2>
        {Object.entries(hidden).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} readOnly />
        ))}
        {/* A success is the secret above. */}
        <FormStatus state={state.status === 'error' ? state : idleState} fields={['name', 'scopes', 'expiresAt']} />
        <Field name="name" id={`${idPrefix}name`} label="Name" autoComplete="off" placeholder="e.g. CRM sync" error={errors.name} defaultValue={values.name} />
        <fieldset className="space-y-2" aria-describedby={errors.scopes ? scopesErrorId : undefined}>
          <legend className="text-sm font-medium text-slate-700">Scopes</legend>
          {/* key: re-mount after a failed submit so the checkboxes show what was sent. */}
          <div key={values.scopes ?? ''} className="space-y-1.5">
            {scopeOptions
              .filter((scope) => scopes.includes(scope.value))
              .map((scope) => (
              <label key={scope.value} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope.value}
                  defaultChecked={checkedScopes.includes(scope.value)}
                  aria-invalid={Boolean(errors.scopes)}
                  className="mt-0.5"
                />
                <span>
                  <code>{scope.value}</code> <span className="text-slate-500">— {scope.hint}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.scopes && (
            <p id={scopesErrorId} className="text-sm text-red-600">
              {errors.scopes}
            </p>
          )}
        </fieldset>
        <Field name="expiresAt" id={`${idPrefix}expiresAt`} label="Expires on (optional)" type="date" error={errors.expiresAt} defaultValue={values.expiresAt} />
        <p className="-mt-3 text-sm text-slate-500">The key stops working at 00:00 UTC on this date. Leave it empty for a key that never expires.</p>
        <div className="flex items-center gap-3 pt-2">
          <SubmitButton pendingLabel="Creating…">Create API key</SubmitButton>
        </div>
      </form>
    </div>
  );
}
