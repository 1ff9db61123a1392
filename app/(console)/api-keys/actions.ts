'use server';

import { refresh } from 'next/cache';
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { createKeyFromForm } from '@/actions/api-key-form';
import { pickFields } from '@/actions/form-data';
import type { ApiKeyFormState } from '@/components/api-key-form';
import { createApiKey, revokeApiKey } from '@/core/api-keys';

/** Creates an API key; its secret is shown this once (see createKeyFromForm). */
export async function createApiKeyAction(_previous: ApiKeyFormState, formData: FormData): Promise<ApiKeyFormState> {
  const state = await createKeyFromForm(formData, createApiKey);
  if (state.status === 'success') refresh();
  return state;
}

/** Revokes an API key: its next request is refused. The key stays listed, marked revoked. */
export async function revokeApiKeyAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id', 'name']);
  try {
    await revokeApiKey(await actionContext(), values.id ?? '');
  } catch (error) {
    refresh();
    return errorToActionState(error, values);
  }
  refresh();
  return { status: 'success', message: `Revoked ${values.name ? `“${values.name}”` : 'the API key'}.` };
}
