import { bannerMessages, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';

/**
 * A form's outcome banner, in a live region so screen readers announce it after a submit. `fields` names the fields
 * the form shows with their errors beside them: those errors are not repeated here (see bannerMessages).
 */
export function FormStatus({ state, fields }: { state: ActionState; fields: readonly string[] }) {
  const tone = state.status === 'error' ? 'error' : 'success';
  return (
    <div aria-live="polite" aria-atomic="true">
      {bannerMessages(state, fields).map((message) => (
        <Alert key={message} tone={tone}>
          {message}
        </Alert>
      ))}
    </div>
  );
}
