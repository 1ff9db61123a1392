'use server';

import { updateTag } from 'next/cache';
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { expireOrganizationViews, expireUserViews } from '@/actions/expire';
import { pickFields } from '@/actions/form-data';
import { reprocessWebhookEvent, type ProcessResult } from '@/core/webhooks';
import { webhooksTag } from '@/lib/tags';

const outcomes: Record<ProcessResult['status'], ActionState> = {
  processed: { status: 'success', message: 'Reprocessed: the event was applied.' },
  ignored: { status: 'success', message: 'Reprocessed: nothing to apply, so the event was ignored.' },
  retrying: { status: 'error', message: 'Failed again; it will be retried automatically.' },
  failed: { status: 'error', message: 'Failed again. See the error in the table.' },
  skipped: { status: 'success', message: 'Another process is handling this event right now.' },
};

/** Gives a failed Stripe event a fresh set of attempts and processes it now. */
export async function reprocessWebhookEventAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  let result: ProcessResult;
  try {
    result = await reprocessWebhookEvent(await actionContext(), values.id ?? '');
  } catch (error) {
    // E.g. the event is no longer failed (processed meanwhile): the refreshed table shows what it is now.
    updateTag(webhooksTag);
    return errorToActionState(error, values);
  }
  updateTag(webhooksTag);
  result.userIds.forEach(expireUserViews);
  result.organizationIds.forEach(expireOrganizationViews);
  return { ...outcomes[result.status], values };
}
