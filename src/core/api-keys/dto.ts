import 'server-only';
import type { ApiKeyRow } from '@/db/schema';
import type { ApiKeyScope } from '../principal';

/** An API key as the console lists it: never the secret or its hash. */
export interface ApiKeyDto {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** An API key as events carry it: the console's DTO without even the display prefix (no key material at all). */
export type ApiKeyEventData = Omit<ApiKeyDto, 'prefix' | 'lastUsedAt'>;

export function toApiKeyEventData(row: ApiKeyRow): ApiKeyEventData {
  const { id, name, scopes, createdBy, createdAt, expiresAt, revokedAt } = toApiKeyDto(row);
  return { id, name, scopes, createdBy, createdAt, expiresAt, revokedAt };
}

export function toApiKeyDto(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
