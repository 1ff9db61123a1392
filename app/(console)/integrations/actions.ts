'use server';

import { redirect } from 'next/navigation';
import { refresh } from 'next/cache';
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { allTextFields, pickFields, versionField } from '@/actions/form-data';
import { webhookSecretBox } from '@/auth/webhook-secret-box';
import type { ButtonActionState } from '@/components/action-button';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  retryDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhookEndpoint,
} from '@/core/integrations';

const endpointFields = (formData: FormData) => {
  const values = pickFields(formData, ['url', 'description']);
  const events = allTextFields(formData, 'events');
  return { input: { ...values, events }, echoed: { ...values, events: events.join(',') } };
};

/** Adds an endpoint. Its signing secret travels back in this result only, never in a URL, a log or the database. */
export async function createEndpointAction(_previous: ButtonActionState, formData: FormData): Promise<ButtonActionState> {
  const { input, echoed } = endpointFields(formData);
  let created: Awaited<ReturnType<typeof createWebhookEndpoint>>;
  try {
    created = await createWebhookEndpoint(await actionContext(), { url: input.url ?? '', events: input.events, description: input.description }, { secrets: webhookSecretBox() });
  } catch (error) {
    return errorToActionState(error, echoed);
  }
  refresh();
  return { status: 'success', message: `Added ${created.endpoint.url}. Its signing secret:`, secret: created.secret };
}

export async function updateEndpointAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const { id = '' } = pickFields(formData, ['id']);
  const { input, echoed } = endpointFields(formData);
  try {
    await updateWebhookEndpoint(await actionContext(), id, { url: input.url ?? '', events: input.events, description: input.description ?? '' }, { expectedVersion: versionField(formData) });
  } catch (error) {
    return errorToActionState(error, { ...echoed, version: pickFields(formData, ['version']).version ?? '' });
  }
  refresh();
  return { status: 'success', message: 'Changes saved.' };
}

export async function setEndpointEnabledAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const { id = '', enabled } = pickFields(formData, ['id', 'enabled']);
  try {
    await updateWebhookEndpoint(await actionContext(), id, { enabled: enabled === 'true' });
  } catch (error) {
    return errorToActionState(error, {});
  }
  refresh();
  return { status: 'success', message: enabled === 'true' ? 'Enabled: deliveries resume.' : 'Disabled: nothing is sent until you enable it again.' };
}

export async function rotateSecretAction(_previous: ButtonActionState, formData: FormData): Promise<ButtonActionState> {
  const { id = '' } = pickFields(formData, ['id']);
  let rotated: Awaited<ReturnType<typeof rotateWebhookSecret>>;
  try {
    rotated = await rotateWebhookSecret(await actionContext(), id, { secrets: webhookSecretBox() });
  } catch (error) {
    return errorToActionState(error, {});
  }
  refresh();
  return { status: 'success', message: 'New signing secret. For 24 hours deliveries are signed with the old one too:', secret: rotated.secret };
}

export async function sendTestEventAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const { id = '' } = pickFields(formData, ['id']);
  try {
    await sendTestEvent(await actionContext(), id);
  } catch (error) {
    return errorToActionState(error, {});
  }
  refresh();
  return { status: 'success', message: 'Test event queued: it shows in the delivery log below once sent.' };
}

export async function retryDeliveryAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const { endpointId = '', deliveryId = '' } = pickFields(formData, ['endpointId', 'deliveryId']);
  try {
    await retryDelivery(await actionContext(), endpointId, deliveryId);
  } catch (error) {
    return errorToActionState(error, {});
  }
  refresh();
  return { status: 'success', message: 'Resending now.' };
}

export async function deleteEndpointAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const { id = '' } = pickFields(formData, ['id']);
  try {
    await deleteWebhookEndpoint(await actionContext(), id);
  } catch (error) {
    return errorToActionState(error, {});
  }
  redirect('/integrations?deleted=1');
}
