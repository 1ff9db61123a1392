import 'server-only';
import { inArray, sql, type SQL } from 'drizzle-orm';
import { keyIsUsable, keyMakerRole } from '../api-keys/queries';
import { rolesHolding } from '../authorization';
import type { Principal } from '../principal';
import type { Role } from '../users/schemas';

// An endpoint is worth no more than the right that made it: its maker is a user (`created_by`), an API key
// (`created_by_api_key_id`), or, when both are empty, Roster's operator (or a maker since deleted: its endpoints were
// disabled then). The expressions below read `webhook_endpoints` (by that name) in any query that has it; their own
// tables go by aliases, so they never collide with the query's.

/** Who makes an endpoint that `principal` creates, or re-enables (vouching for it anew). */
export const makerColumns = (principal: Principal) => ({
  createdBy: principal.kind === 'user' ? principal.userId : null,
  createdByApiKeyId: principal.kind === 'apiKey' ? principal.keyId : null,
});

/** The endpoint's key and that key's maker, for a subquery to select from (and add conditions to). */
const makerKeyOfEndpoint = sql`api_keys maker_key left join users key_maker on key_maker.id = maker_key.created_by
  where maker_key.id = webhook_endpoints.created_by_api_key_id`;

/** The role of an endpoint's maker now: its user's, its key's maker's; the operator's (or a lost maker's) is owner. */
export const endpointMakerRole = sql<Role>`case
  when webhook_endpoints.created_by is not null then (select maker.role from users maker where maker.id = webhook_endpoints.created_by)
  when webhook_endpoints.created_by_api_key_id is not null then (select ${keyMakerRole('key_maker')} from ${makerKeyOfEndpoint})
  else 'owner' end`;

/**
 * Whether an endpoint's maker still holds `webhooks:write` at `now`: its user active with a role that holds it, its
 * key still usable (not revoked, not expired, its own maker still allowed to make keys). The operator always does.
 */
export const makerHoldsRight = (now: Date): SQL<boolean> => sql<boolean>`case
  when webhook_endpoints.created_by is not null then exists (select 1 from users maker where maker.id = webhook_endpoints.created_by
    and maker.status = 'active' and ${inArray(sql`maker.role`, rolesHolding('webhooks:write'))})
  when webhook_endpoints.created_by_api_key_id is not null then exists (select 1 from ${makerKeyOfEndpoint}
    and ${keyIsUsable(now, { key: 'maker_key', maker: 'key_maker' })})
  else true end`;
