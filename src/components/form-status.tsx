import type { ActionState } from '@/actions/action-state';
import { Alert } from './alert';

/** A form's outcome banner, in a live region so screen readers announce it after a submit. */
export function FormStatus({ state }: { state: ActionState }) {
  return (
    <div aria-live="polite" aria-atomic="true">
      {state.status === 'error' && state.message && <Alert tone="error">{state.message}</Alert>}
      {state.status === 'success' && state.message && <Alert tone="success">{state.message}</Alert>}
    </div>
  );
}
