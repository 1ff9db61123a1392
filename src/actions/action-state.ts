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
