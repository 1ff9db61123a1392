'use server';

import { headers } from 'next/headers';
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { expireOrganizationViews } from '@/actions/expire';
import { pickFields } from '@/actions/form-data';
import { createOrganizationInvitation, revokeOrganizationInvitation } from '@/core/invitations';
import { mailRequestFrom } from '@/rate-limit/mail-limits';

// The organization page's invitations: the same use cases as /api/v1/organizations/{orgId}/invitations (they
// authorize the signed-in user, staff plane), with the same send limits (per client IP and per inviter).

/** Invites someone by email into the organization with a role there; the link goes out through the outbox. */
export async function inviteToOrganizationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['organizationId', 'email', 'role']);
  const organizationId = values.organizationId ?? '';
  let email: string;
  try {
    const input = { email: values.email ?? '', role: values.role };
    ({ email } = await createOrganizationInvitation(await actionContext(), organizationId, input, mailRequestFrom(await headers())));
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireOrganizationViews(organizationId);
  return { status: 'success', message: `Invited ${email}. The link works once, for 7 days.` };
}

/** Withdraws one of the organization's invitations: its link says so from now on. */
export async function revokeOrganizationInvitationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['organizationId', 'id']);
  const organizationId = values.organizationId ?? '';
  let email: string;
  try {
    ({ email } = await revokeOrganizationInvitation(await actionContext(), organizationId, values.id ?? ''));
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireOrganizationViews(organizationId);
  return { status: 'success', message: `Withdrew the invitation to ${email}.` };
}
