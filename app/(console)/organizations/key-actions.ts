'use server';

import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { expireOrganizationViews } from '@/actions/expire';
import { createKeyFromForm } from '@/actions/api-key-form';
import { pickFields } from '@/actions/form-data';
import type { ApiKeyFormState } from '@/components/api-key-form';
import { createOrganizationApiKey, revokeOrganizationApiKey } from '@/core/api-keys';

/** Creates one of the organization's own keys (it acts only inside it); its secret is shown this once. */
export async function createOrganizationKeyAction(_previous: ApiKeyFormState, formData: FormData): Promise<ApiKeyFormState> {
  // pickFields, not formData.get: an action is a public endpoint, and its argument may be anything but a form.
  const organizationId = pickFields(formData, ['organizationId']).organizationId ?? '';
  const state = await createKeyFromForm(formData, (ctx, input) => createOrganizationApiKey(ctx, organizationId, input), ['organizationId']);
  if (state.status === 'success') expireOrganizationViews(organizationId);
  return state;
}

/** Revokes one of the organization's keys: its next request is refused; it stays listed, revoked. */
export async function revokeOrganizationKeyAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['organizationId', 'id', 'name']);
  const organizationId = values.organizationId ?? '';
  try {
    await revokeOrganizationApiKey(await actionContext(), organizationId, values.id ?? '');
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireOrganizationViews(organizationId);
  return { status: 'success', message: `Revoked ${values.name ? `“${values.name}”` : 'the API key'}.` };
}
