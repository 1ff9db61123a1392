'use client';

import { useActionState } from 'react';
import type { ButtonActionState } from './action-button';
import { Field } from './field';
import { FormStatus } from './form-status';
import { NewSecret } from './new-secret';
import { SubmitButton } from './submit-button';

interface WebhookEndpointFormProps {
  action: (state: ButtonActionState, formData: FormData) => Promise<ButtonActionState>;
  /** The event types an endpoint may subscribe to. */
  eventTypes: readonly string[];
  /** The saved endpoint when editing; absent when adding one. */
  endpoint?: { id: string; version: number; url: string; events: string[]; description: string };
}

/**
 * Add or edit a webhook endpoint: URL, the events to send, a description. A plain form post without JavaScript.
 * After adding, the signing secret is shown once, from this form's state only.
 */
export function WebhookEndpointForm({ action, eventTypes, endpoint }: WebhookEndpointFormProps) {
  const [state, formAction] = useActionState(action, { status: 'idle' });
  const errors = state.fieldErrors ?? {};
  // After a failed submit show what was sent; otherwise the saved values (or, for a new endpoint, all events).
  const values = state.status === 'error' ? (state.values ?? {}) : {};
  const events = values.events !== undefined ? values.events.split(',') : (endpoint?.events ?? ['*']);
  const eventsErrorId = 'field-events-error';

  return (
    <div className="space-y-4">
      {state.status === 'success' && state.secret && (
        <NewSecret key={state.secret} title={state.message ?? ''} secret={state.secret} storedAs="it encrypted">
          Verify every delivery with it (<code>webhook-signature</code>, Standard Webhooks), e.g.{' '}
          <code>npm run roster -- webhooks:listen --secret …</code> to try it locally.
        </NewSecret>
      )}
      <form action={formAction} noValidate className="max-w-2xl space-y-5 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="text-lg font-semibold">{endpoint ? 'Settings' : 'Add an endpoint'}</h2>
        {!(state.status === 'success' && state.secret) && <FormStatus state={state} fields={['url', 'description', 'events']} />}
        {endpoint && <input type="hidden" name="id" value={endpoint.id} readOnly />}
        {endpoint && <input type="hidden" name="version" value={values.version ?? String(endpoint.version)} readOnly />}
        <Field name="url" label="URL" type="url" autoComplete="off" placeholder="https://example.com/hooks/roster" error={errors.url} defaultValue={values.url ?? endpoint?.url} />
        <Field name="description" label="Description (optional)" autoComplete="off" error={errors.description} defaultValue={values.description ?? endpoint?.description} />
        <fieldset className="space-y-2" aria-describedby={errors.events ? eventsErrorId : undefined}>
          <legend className="text-sm font-medium text-slate-700">Events to send</legend>
          {/* key: re-mount after a failed submit so the checkboxes show what was sent. */}
          <div key={events.join(',')} className="grid gap-1.5 sm:grid-cols-2">
            {['*', ...eventTypes].map((type) => (
              <label key={type} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="events" value={type} defaultChecked={events.includes(type)} aria-invalid={Boolean(errors.events)} />
                {type === '*' ? <span className="font-medium">All events</span> : <code>{type}</code>}
              </label>
            ))}
          </div>
          {errors.events && (
            <p id={eventsErrorId} className="text-sm text-red-600">
              {errors.events}
            </p>
          )}
        </fieldset>
        <SubmitButton pendingLabel={endpoint ? 'Saving…' : 'Adding…'}>{endpoint ? 'Save changes' : 'Add endpoint'}</SubmitButton>
      </form>
    </div>
  );
}
