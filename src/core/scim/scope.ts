import 'server-only';
import type { Principal } from '../principal';
import type { ScimScope } from './auth';

export type { ScimScope };

/** Who acts for a SCIM request: the connection, through the `scim` door (`system:scim-connection:<id>` in the log). */
export const scimPrincipal = (scope: Pick<ScimScope, 'connectionId'>): Principal => ({ kind: 'system', door: 'scim', name: `scim-connection:${scope.connectionId}` });
