/** What every console form action returns; `useActionState` renders it, with or without JavaScript. */
export interface ActionState {
  status: 'idle' | 'success' | 'error';
  message?: string;
  /** One message per form field, shown next to that field. */
  fieldErrors?: Record<string, string>;
  /** The submitted input, echoed back so a failed form keeps what the user typed. */
  values?: Record<string, string>;
}

/** What a form's banner says when its fields have errors (each error is shown at its field). */
export const fieldsSummary = 'Please fix the highlighted fields.';

export const idleState: ActionState = { status: 'idle' };

/** A failed submission: the message, optional per-field errors, and the input to show again. */
export function failure(message: string, values: Record<string, string>, fieldErrors?: Record<string, string>): ActionState {
  return { status: 'error', message, values, ...(fieldErrors ? { fieldErrors } : {}) };
}

/**
 * What a form's banner says, given the fields the form shows: every message appears once. A field error is shown at
 * its field, so a message that repeats one (a taken email) becomes the summary. An error about a field this form
 * doesn't show (the last-owner refusal on a member row's Remove, which has no Role field) and any message without a
 * field stay in the banner.
 */
export function bannerMessages(state: ActionState, shownFields: readonly string[]): string[] {
  if (state.status === 'idle' || !state.message) return [];
  if (state.status === 'success') return [state.message];
  const errors = Object.entries(state.fieldErrors ?? {});
  const atFields = errors.filter(([field]) => shownFields.includes(field)).map(([, message]) => message);
  const elsewhere = errors.filter(([field]) => !shownFields.includes(field)).map(([, message]) => message);
  const lead = atFields.includes(state.message) ? fieldsSummary : state.message;
  // The summary points at highlighted fields: without any, the errors it stood for are the banner.
  const pointsNowhere = lead === fieldsSummary && atFields.length === 0 && elsewhere.length > 0;
  return [...new Set([...(pointsNowhere ? [] : [lead]), ...elsewhere])];
}
