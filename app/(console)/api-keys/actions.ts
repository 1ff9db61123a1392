'use server';

import { refresh } from 'next/cache';
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { allTextFields, pickFields } from '@/actions/form-data';
import type { ApiKeyFormState } from '@/components/api-key-form';
import { createApiKey, revokeApiKey } from '@/core/api-keys';

/**
 * Creates an API key. The secret travels back in the action's result only: never in a URL, a cookie, a log or
 * the database (which keeps its hash).
 */
export async function createApiKeyAction(_previous: ApiKeyFormState, formData: FormData): Promise<ApiKeyFormState> {
  const values = pickFields(formData, ['name', 'expiresAt']);
  const scopes = allTextFields(formData, 'scopes');
  // Echoed back so a failed form keeps its checkboxes ticked.
  const echoed = { ...values, scopes: scopes.join(',') };
  let created: Awaited<ReturnType<typeof createApiKey>>;
  try {
    created = await createApiKey(await actionContext(), {
      name: values.name ?? '',
      scopes,
      // A date input's `YYYY-MM-DD`: the key stops working at 00:00 UTC that day.
      ...(values.expiresAt ? { expiresAt: values.expiresAt } : {}),
    });
  } catch (error) {
    return errorToActionState(error, echoed);
  }
  refresh();
  return {
    status: 'success',
    message: `Created the API key “${created.apiKey.name}”.`,
    secret: created.secret,
    keyName: created.apiKey.name,
  };
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
