'use client';

import { useFormStatus } from 'react-dom';
import { buttonStyles } from './styles';

/** Submit button that shows the enclosing form's pending state. */
export function SubmitButton({ children, pendingLabel, tone = 'primary' }: { children: React.ReactNode; pendingLabel: string; tone?: keyof typeof buttonStyles }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending} aria-disabled={pending} className={buttonStyles[tone]}>
      {pending ? pendingLabel : children}
    </button>
  );
}
