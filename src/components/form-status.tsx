import { fieldsSummary, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';

/**
 * A form's outcome banner, in a live region so screen readers announce it after a submit. A message that is one of
 * the field errors (a taken email, say) is already shown at its field: the banner points there instead.
 */
export function FormStatus({ state }: { state: ActionState }) {
  const message = state.message && Object.values(state.fieldErrors ?? {}).includes(state.message) ? fieldsSummary : state.message;
  return (
    <div aria-live="polite" aria-atomic="true">
      {state.status === 'error' && message && <Alert tone="error">{message}</Alert>}
      {state.status === 'success' && message && <Alert tone="success">{message}</Alert>}
    </div>
  );
}
