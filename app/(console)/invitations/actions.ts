'use server';

import { refresh } from 'next/cache';
import { headers } from 'next/headers';
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { pickFields } from '@/actions/form-data';
import { createInvitation, resendInvitation, revokeInvitation } from '@/core/invitations';
import { mailRequestFrom } from '@/rate-limit/mail-limits';

/** Invites someone by email with a role; the link goes out through the outbox (see the Email page). */
export async function createInvitationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['email', 'role']);
  let email: string;
  try {
    ({ email } = await createInvitation(await actionContext(), values, mailRequestFrom(await headers())));
  } catch (error) {
    return errorToActionState(error, values);
  }
  refresh();
  return { status: 'success', message: `Invited ${email}. The link works once, for 7 days.` };
}

/** A new link, valid 7 days from now; the previous one stops working. */
export async function resendInvitationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  try {
    const { email } = await resendInvitation(await actionContext(), values.id ?? '', mailRequestFrom(await headers()));
    refresh();
    return { status: 'success', message: `Sent a new link to ${email}.` };
  } catch (error) {
    refresh();
    return errorToActionState(error, values);
  }
}

/** Withdraws an invitation: its link says so from now on. */
export async function revokeInvitationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  try {
    const { email } = await revokeInvitation(await actionContext(), values.id ?? '');
    refresh();
    return { status: 'success', message: `Withdrew the invitation to ${email}.` };
  } catch (error) {
    refresh();
    return errorToActionState(error, values);
  }
}
