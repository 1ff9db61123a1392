import 'server-only';
import type { Principal } from '../principal';

/** What a SCIM token stands for: its connection, and the organization that connection provisions. */
export interface ScimScope {
  connectionId: string;
  organizationId: string;
  passwordSetup: 'none' | 'invitation';
}

/** Who acts for a SCIM request: the connection, through the `scim` door (`system:scim-connection:<id>` in the log). */
export const scimPrincipal = (scope: Pick<ScimScope, 'connectionId'>): Principal => ({ kind: 'system', door: 'scim', name: `scim-connection:${scope.connectionId}` });
