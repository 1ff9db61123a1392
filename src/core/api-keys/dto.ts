import 'server-only';
import type { ApiKeyRow } from '@/db/schema';
import type { ApiKeyScope } from '../principal';
import type { Role } from '../users/schemas';

/** An API key as the console lists it: never the secret or its hash. */
export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdBy: string | null;
  /** The organization that owns it (it acts only inside it), or null for a key of the whole service. */
  organizationId: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** The role of whoever made it ('owner' for the CLI's keys): what an owner made, only owners revoke. */
  madeBy: Role;
}

/** An API key as events carry it: the console's DTO without even the display prefix (no key material at all). */
export type ApiKeyEventData = Omit<ApiKeyDto, 'prefix' | 'lastUsedAt' | 'madeBy'>;

export function toApiKeyEventData(row: ApiKeyRow): ApiKeyEventData {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    createdBy: row.createdBy,
    organizationId: row.organizationId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export function toApiKeyDto(row: ApiKeyRow, madeBy: Role): ApiKeyDto {
  return { ...toApiKeyEventData(row), prefix: row.prefix, lastUsedAt: row.lastUsedAt?.toISOString() ?? null, madeBy };
}
