'use server';

import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { expireUserViews } from '@/actions/expire';
import { pickFields } from '@/actions/form-data';
import { resendVerificationEmail, revokeUserSession, sendPasswordReset, signOutEverywhere, suspendUser, updateUser } from '@/core/users';

// Staff tools on a user's page (docs/staff-tools.md): each authorizes in the core, like every door.

/** Staff end one of a user's sessions. */
export async function revokeUserSessionAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['userId', 'id']);
  return run(values.userId, values, async () => {
    await revokeUserSession(await actionContext(), values.userId ?? '', values.id ?? '');
    return 'Session revoked: that device is signed out on its next request.';
  });
}

export async function signOutEverywhereAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  return run(values.id, values, async () => {
    const { revoked } = await signOutEverywhere(await actionContext(), values.id ?? '');
    return `Signed out everywhere: ${revoked} ${revoked === 1 ? 'session' : 'sessions'} ended.`;
  });
}

export async function sendPasswordResetAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  return run(values.id, values, async () => {
    await sendPasswordReset(await actionContext(), values.id ?? '');
    return 'Password reset link sent.';
  });
}

export async function resendVerificationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  return run(values.id, values, async () => {
    await resendVerificationEmail(await actionContext(), values.id ?? '');
    return 'Verification link sent.';
  });
}

/** "Until" comes from a datetime-local field (no zone): read as UTC, as the form says. */
export async function suspendUserAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id', 'reason', 'until']);
  const until = values.until?.trim() ? utcFromLocalField(values.until.trim()) : undefined;
  return run(values.id, values, async () => {
    await suspendUser(await actionContext(), values.id ?? '', { reason: values.reason ?? '', ...(until === undefined ? {} : { until }) });
    return 'User suspended: their sessions ended.';
  });
}

export async function unsuspendUserAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  return run(values.id, values, async () => {
    await updateUser(await actionContext(), values.id ?? '', { status: 'active' });
    return 'User unsuspended.';
  });
}

/** `2026-12-31T18:00` (or with seconds) as `…Z`; anything else passes through for the core to refuse. */
function utcFromLocalField(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value) ? `${value.length === 16 ? `${value}:00` : value}Z` : value;
}

/** Runs one tool, then shows its outcome: the message it returns, or the error (beside its field when it has one). */
async function run(userId: string | undefined, values: Record<string, string>, tool: () => Promise<string>): Promise<ActionState> {
  let message: string;
  try {
    message = await tool();
  } catch (error) {
    return errorToActionState(error, values);
  }
  if (userId) expireUserViews(userId);
  return { status: 'success', message };
}
