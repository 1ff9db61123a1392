'use server';

import { redirect } from 'next/navigation';
import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { expireMemberViews, expireOrganizationViews } from '@/actions/expire';
import { pickFields, versionField } from '@/actions/form-data';
import { addMember, changeMemberRole, createOrganization, deleteOrganization, orgCreationFromEnv, removeMember, updateOrganization } from '@/core/organizations';
import { resolveUserReference } from '@/core/organizations/staff-views';

// The console's organization forms: each action parses the form, calls the core (which authorizes the signed-in
// user: the console is the staff plane) and expires the views it changed. Users are named as staff type them, by
// email or id, in a field of the form's own; the core's errors about `ownerId`/`userId` are shown beside it.

/** The core names the user `coreField`, the form `formField`: an error about them goes beside the form's field. */
function besideField(state: ActionState, coreField: string, formField: string): ActionState {
  const { [coreField]: message, ...others } = state.fieldErrors ?? {};
  return message === undefined ? state : { ...state, fieldErrors: { ...others, [formField]: message } };
}

export async function createOrganizationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['name', 'slug', 'owner']);
  let organizationId: string;
  let ownerId: string;
  try {
    const ctx = await actionContext();
    ownerId = await resolveUserReference(ctx, values.owner ?? '', 'owner');
    const input = { name: values.name ?? '', slug: values.slug ?? '', ownerId };
    organizationId = (await createOrganization(ctx, input, orgCreationFromEnv())).id;
  } catch (error) {
    return besideField(errorToActionState(error, values), 'ownerId', 'owner');
  }
  expireMemberViews(organizationId, ownerId);
  redirect(`/organizations/${organizationId}?created=1`);
}

export async function updateOrganizationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id', 'version', 'name', 'slug']);
  const id = values.id ?? '';
  try {
    await updateOrganization(await actionContext(), id, pickFields(formData, ['name', 'slug']), { expectedVersion: versionField(formData) });
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireOrganizationViews(id);
  return { status: 'success', message: 'Changes saved.' };
}

export async function deleteOrganizationAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['id']);
  const id = values.id ?? '';
  try {
    await deleteOrganization(await actionContext(), id, { expectedVersion: versionField(formData) });
  } catch (error) {
    return errorToActionState(error, values);
  }
  // Its members' pages drop it when the feed hears of their member.removed events (src/server/cache-tags.ts).
  expireOrganizationViews(id);
  redirect('/organizations?deleted=1');
}

export async function addMemberAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['organizationId', 'user', 'role']);
  const organizationId = values.organizationId ?? '';
  let userId: string;
  try {
    const ctx = await actionContext();
    userId = await resolveUserReference(ctx, values.user ?? '', 'user');
    await addMember(ctx, organizationId, { userId, role: values.role });
  } catch (error) {
    return besideField(errorToActionState(error, values), 'userId', 'user');
  }
  expireMemberViews(organizationId, userId);
  return { status: 'success', message: 'Member added.' };
}

export async function changeMemberRoleAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['organizationId', 'userId', 'role']);
  const { organizationId = '', userId = '' } = values;
  try {
    await changeMemberRole(await actionContext(), organizationId, userId, { role: values.role });
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireMemberViews(organizationId, userId);
  return { status: 'success', message: 'Role changed.' };
}

export async function removeMemberAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['organizationId', 'userId']);
  const { organizationId = '', userId = '' } = values;
  try {
    await removeMember(await actionContext(), organizationId, userId);
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireMemberViews(organizationId, userId);
  return { status: 'success', message: 'Member removed.' };
}
