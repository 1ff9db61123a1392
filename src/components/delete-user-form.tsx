'use client';

import { useActionState } from 'react';
import Link from 'next/link';
import { idleState, type ActionState } from '@/actions/action-state';
import { Alert } from './alert';
import { buttonStyles } from './styles';
import { SubmitButton } from './submit-button';

interface DeleteUserFormProps {
  user: { id: string; email: string; version: number };
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
}

/** The confirmation step as a plain form: the path for browsers without JavaScript. */
export function DeleteUserForm({ user, action }: DeleteUserFormProps) {
  const [state, formAction] = useActionState(action, idleState);
  return (
    <form action={formAction} className="space-y-4">
      <div aria-live="polite">{state.status === 'error' && <Alert tone="error">{state.message}</Alert>}</div>
      <input type="hidden" name="id" value={user.id} readOnly />
      <input type="hidden" name="email" value={user.email} readOnly />
      <input type="hidden" name="version" value={user.version} readOnly />
      <div className="flex gap-3">
        <SubmitButton tone="danger" pendingLabel="Deleting…">
          Yes, delete {user.email}
        </SubmitButton>
        <Link href={`/users/${user.id}`} className={buttonStyles.secondary}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
