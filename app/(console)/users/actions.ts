'use server';

import { redirect } from 'next/navigation';
import { failure, type ActionState } from '@/actions/action-state';
import { bulkInputOf } from '@/actions/bulk-request';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { expireUserViews } from '@/actions/expire';
import { allTextFields, pickFields, userFormFields, versionField } from '@/actions/form-data';
import { resetTwoFactor } from '@/core/accounts';
import { removePasskey } from '@/core/passkeys';
import { ValidationFailed } from '@/core/errors';
import { createUser, deleteUser, updateUser } from '@/core/users';
import { startBulkUsers } from '@/core/users/bulk';

export async function createUserAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, userFormFields);
  let userId: string;
  try {
    userId = (await createUser(await actionContext(), values)).id;
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireUserViews(userId);
  redirect(`/users/${userId}?created=1`);
}

export async function updateUserAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, [...userFormFields, 'id', 'version']);
  const id = values.id ?? '';
  try {
    await updateUser(await actionContext(), id, pickFields(formData, userFormFields), {
      expectedVersion: versionField(formData),
    });
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireUserViews(id);
  return { status: 'success', message: 'Changes saved.' };
}

export async function deleteUserAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id', 'email']);
  try {
    await deleteUser(await actionContext(), values.id ?? '', { expectedVersion: versionField(formData) });
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireUserViews(values.id ?? '');
  // A flag, not the email: the list's banner is its own fixed text, never text from the address bar.
  redirect('/users?deleted=1');
}

/** Removes a user's second factor (a lost phone): they sign in with their password alone until they enrol again. */
export async function resetTwoFactorAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  try {
    await resetTwoFactor(await actionContext(), values.id ?? '');
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireUserViews(values.id!);
  return { status: 'success', message: 'Two-factor sign-in was reset. They sign in with their password and can set it up again.' };
}

/** Staff remove one of a user's passkeys (a lost or shared device): it signs nobody in from now on. Audited. */
export async function removeUserPasskeyAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  let userId: string;
  try {
    ({ userId } = await removePasskey(await actionContext(), values.id ?? ''));
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireUserViews(userId);
  return { status: 'success', message: 'Passkey removed. It no longer signs them in.' };
}

/**
 * The bulk confirmation's Yes: starts the job (the core authorizes the request, and each user again as it runs, so
 * what the page listed as skipped is refused then too) and follows it on its page.
 */
export async function startBulkUsersAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const input = bulkInputOf((name) => allTextFields(formData, name));
  let jobId: string;
  try {
    const started = await startBulkUsers(await actionContext(), input);
    if (!('job' in started)) throw new Error('A bulk request without dryRun starts a job');
    jobId = started.job.id;
  } catch (error) {
    // The form has no fields of its own to mark: the request's problems are its message.
    if (error instanceof ValidationFailed) return failure(error.issues.map((issue) => issue.message).join('; '), {});
    return errorToActionState(error, {});
  }
  redirect(`/jobs/${jobId}`);
}
