'use client';

import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { useEffect, useState, useSyncExternalStore, useTransition } from 'react';
import { idleState, type ActionState } from '@/actions/action-state';
import type { PasskeyDto } from '@/core/passkeys';
import { ActionForm } from './action-form';
import { Alert } from './alert';
import { Field } from './field';
import { FormStatus } from './form-status';
import { buttonStyles } from './styles';
import { Cell, Table } from './table';
import { Timestamp } from './timestamp';

type FormAction = (state: ActionState, formData: FormData) => Promise<ActionState>;
type OptionsState<O> = ActionState & { options?: O };

// Whether this browser can do WebAuthn: false on the server and without JavaScript, so no passkey control is shown
// to a browser that could not use it (the password form works as ever).
const noSubscription = () => () => {};
const useWebAuthn = () => useSyncExternalStore(noSubscription, browserSupportsWebAuthn, () => false);

/** A refusal from the browser (the user cancelled, a timeout, no matching passkey) in plain words; aborts say nothing. */
function ceremonyMessage(error: unknown): string | null {
  if (error instanceof Error && error.name === 'AbortError') return null;
  if (error instanceof WebAuthnError && error.code === 'ERROR_CEREMONY_ABORTED') return null;
  return 'The passkey request was cancelled or timed out. Try again.';
}

const deviceTypes: Record<string, string> = { multiDevice: 'Synced', singleDevice: 'This device only' };

/**
 * A user's passkeys: name, device type, backed up, created, last used. On the Account page each row can be renamed
 * and deleted; on a user's page staff may remove them. Plain form posts without JavaScript.
 */
export function PasskeyTable({ passkeys, rename, remove, removeLabel }: { passkeys: PasskeyDto[]; rename?: FormAction; remove?: FormAction; removeLabel: string }) {
  if (passkeys.length === 0) return <p className="text-sm text-slate-600">No passkeys.</p>;
  return (
    <Table columns={['Name', 'Device type', 'Backed up', 'Created', 'Last used', ...(rename || remove ? ['Actions'] : [])]}>
      {passkeys.map((passkey) => (
        <tr key={passkey.id} className="align-top hover:bg-slate-50">
          <Cell>
            <span className="font-medium">{passkey.name}</span>
          </Cell>
          <Cell>{deviceTypes[passkey.deviceType] ?? passkey.deviceType}</Cell>
          <Cell>{passkey.backedUp ? 'Yes' : 'No'}</Cell>
          <Cell>
            <Timestamp iso={passkey.createdAt} />
          </Cell>
          <Cell>{passkey.lastUsedAt ? <Timestamp iso={passkey.lastUsedAt} /> : 'Never'}</Cell>
          {(rename || remove) && (
            <Cell>
              <div className="space-y-2">
                {rename && (
                  <ActionForm
                    action={rename}
                    hidden={{ id: passkey.id }}
                    fields={[{ name: 'name', id: `field-passkey-name-${passkey.id}`, label: 'New name', defaultValue: passkey.name }]}
                    submitLabel="Rename"
                    pendingLabel="Renaming…"
                    tone="secondary"
                    accessibleSuffix={passkey.name}
                  />
                )}
                {remove && (
                  <ActionForm
                    action={remove}
                    hidden={{ id: passkey.id }}
                    submitLabel={removeLabel}
                    pendingLabel="Removing…"
                    tone="danger"
                    confirm={`${removeLabel} “${passkey.name}”? It will no longer sign anyone in.`}
                    accessibleSuffix={passkey.name}
                  />
                )}
              </div>
            </Cell>
          )}
        </tr>
      ))}
    </Table>
  );
}

/**
 * "Add a passkey": a name (and the password when the session is over a day old), then the browser's own dialog.
 * Needs JavaScript (WebAuthn is a browser API): without it, this says so and nothing else.
 */
export function AddPasskeyForm({
  needsPassword,
  optionsAction,
  addAction,
}: {
  needsPassword: boolean;
  optionsAction: (state: OptionsState<PublicKeyCredentialCreationOptionsJSON>, formData: FormData) => Promise<OptionsState<PublicKeyCredentialCreationOptionsJSON>>;
  addAction: FormAction;
}) {
  const supported = useWebAuthn();
  const [state, setState] = useState<ActionState>(idleState);
  const [pending, startTransition] = useTransition();
  if (!supported) return <p className="text-sm text-slate-600">Adding a passkey needs a browser with JavaScript and passkey support.</p>;

  const add = (formData: FormData) =>
    startTransition(async () => {
      const started = await optionsAction(idleState, formData);
      if (!started.options) return setState(started);
      const name = String(formData.get('name') ?? '');
      let response;
      try {
        response = await startRegistration({ optionsJSON: started.options });
      } catch (error) {
        return setState({ status: 'error', message: ceremonyMessage(error) ?? 'Cancelled.', values: { name } });
      }
      const finish = new FormData();
      finish.set('name', name);
      finish.set('response', JSON.stringify(response));
      setState(await addAction(idleState, finish));
    });

  const errors = state.fieldErrors ?? {};
  return (
    <form action={add} noValidate className="max-w-xl space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <FormStatus state={state} fields={needsPassword ? ['name', 'password'] : ['name']} />
      <Field name="name" id="field-passkey-name" label="Passkey name" error={errors.name} defaultValue={state.values?.name} placeholder="e.g. Work laptop" />
      {needsPassword && <Field name="password" id="field-passkey-password" label="Your password" type="password" autoComplete="current-password" error={errors.password} />}
      <button type="submit" disabled={pending} className={buttonStyles.primary}>
        {pending ? 'Waiting for your passkey…' : 'Add a passkey'}
      </button>
    </form>
  );
}

/**
 * "Sign in with a passkey", and the browser's autofill offering passkeys in the email field (conditional UI: the
 * field says `autocomplete="username webauthn"`). Shown only where WebAuthn works, so never without JavaScript.
 */
export function PasskeySignIn({
  optionsAction,
  signInAction,
  next,
}: {
  optionsAction: () => Promise<OptionsState<PublicKeyCredentialRequestOptionsJSON>>;
  signInAction: FormAction;
  next?: string;
}) {
  const supported = useWebAuthn();
  const [error, setError] = useState<string | null>(null);
  const [, startTransition] = useTransition();

  const signIn = async (autofill: boolean) => {
    const started = await optionsAction();
    if (!started.options) return setError(started.message ?? 'Passkey sign-in is not available right now.');
    let response;
    try {
      response = await startAuthentication({ optionsJSON: started.options, useBrowserAutofill: autofill });
    } catch (failure) {
      // An autofill request is aborted whenever the button starts another: not an error.
      const message = ceremonyMessage(failure);
      return autofill ? undefined : setError(message);
    }
    const form = new FormData();
    form.set('response', JSON.stringify(response));
    if (next) form.set('next', next);
    const state = await signInAction(idleState, form); // redirects on success
    setError(state.message ?? 'The passkey was not accepted.');
  };

  // Conditional UI: once, while the page is open, the browser may offer passkeys when the email field is focused.
  useEffect(() => {
    let cancelled = false;
    void browserSupportsWebAuthnAutofill().then((autofill) => {
      if (autofill && !cancelled) void signIn(true);
    });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- started once per page; the button starts its own
  }, []);

  if (!supported) return null;
  return (
    <div className="space-y-3">
      <div aria-live="polite">{error && <Alert tone="error">{error}</Alert>}</div>
      <button type="button" className={buttonStyles.secondary} onClick={() => startTransition(() => signIn(false))}>
        Sign in with a passkey
      </button>
    </div>
  );
}
