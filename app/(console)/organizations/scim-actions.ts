'use server';

import type { ActionState } from '@/actions/action-state';
import { actionContext } from '@/actions/context';
import { errorToActionState } from '@/actions/error-to-state';
import { expireOrganizationViews } from '@/actions/expire';
import { pickFields } from '@/actions/form-data';
import type { ButtonActionState } from '@/components/action-button';
import type { ScimConnectionFormState } from '@/components/scim-connection-form';
import { createScimConnection, revokeScimConnection, rotateScimToken, setScimGroupRole } from '@/core/scim';

// The console's SCIM provisioning section: each action authorizes in the core (staff admins and owners, or the
// organization's owners and admins) and reads its fields with pickFields, as every action does.

/** Makes a connection; its token (and the base URL to give the identity provider) are shown this once. */
export async function createScimConnectionAction(_previous: ScimConnectionFormState, formData: FormData): Promise<ScimConnectionFormState> {
  const values = pickFields(formData, ['organizationId', 'name', 'passwordSetup']);
  const organizationId = values.organizationId ?? '';
  try {
    const { connection, token } = await createScimConnection(await actionContext(), organizationId, { name: values.name ?? '', passwordSetup: values.passwordSetup || undefined });
    expireOrganizationViews(organizationId);
    return { status: 'success', message: `Created the SCIM connection “${connection.name}”.`, token, baseUrl: connection.baseUrl, connectionName: connection.name };
  } catch (error) {
    return errorToActionState(error, values);
  }
}

/** A new token for the connection, shown this once; the previous one keeps working for the overlap. */
export async function rotateScimTokenAction(_previous: ButtonActionState, formData: FormData): Promise<ButtonActionState> {
  const values = pickFields(formData, ['organizationId', 'id', 'name']);
  const organizationId = values.organizationId ?? '';
  try {
    const { token } = await rotateScimToken(await actionContext(), organizationId, values.id ?? '');
    expireOrganizationViews(organizationId);
    return { status: 'success', message: `New token for ${values.name ? `“${values.name}”` : 'the connection'}.`, secret: token };
  } catch (error) {
    return errorToActionState(error, values);
  }
}

/** Revokes the connection: its tokens stop working at once; it stays listed, with its journal. */
export async function revokeScimConnectionAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['organizationId', 'id', 'name']);
  const organizationId = values.organizationId ?? '';
  try {
    await revokeScimConnection(await actionContext(), organizationId, values.id ?? '');
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireOrganizationViews(organizationId);
  return { status: 'success', message: `Revoked ${values.name ? `“${values.name}”` : 'the SCIM connection'}.` };
}

/** The console's choice "none" is the API's null: the group grants no role. */
const groupRoleOf = (choice: string | undefined) => (choice === 'none' ? null : choice);

/** Binds a SCIM group to an organization role (or none); its members' roles are recomputed by the core. */
export async function setScimGroupRoleAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const values = pickFields(formData, ['organizationId', 'groupId', 'name', 'role']);
  const organizationId = values.organizationId ?? '';
  let role: string | null | undefined;
  try {
    role = (await setScimGroupRole(await actionContext(), organizationId, values.groupId ?? '', { role: groupRoleOf(values.role) })).role;
  } catch (error) {
    return errorToActionState(error, values);
  }
  expireOrganizationViews(organizationId);
  const group = values.name ? `“${values.name}”` : 'The group';
  return { status: 'success', message: role ? `${group} grants the ${role} role.` : `${group} grants no role.` };
}
