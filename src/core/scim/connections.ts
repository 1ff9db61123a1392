import 'server-only';
import { and, desc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from '@/db/client';
import { organizations, scimConnections, scimTokens, type ScimConnectionRow, type ScimTokenRow } from '@/db/schema';
import { Forbidden, NotFound, PreconditionFailed } from '../errors';
import { diffFields, recordEvent } from '../events';
import { baseUrl } from '../links';
import { authorizeInOrganization } from '../organizations/access';
import type { CoreContext } from '../principal';
import { isUuid, parseInput } from '../validation';
import { newScimToken } from './auth';
import { journalOf, type ScimRequestDto } from './journal';
import { createScimConnectionInput, type CreateScimConnectionInput } from './schemas';
import { processScimTokenCache } from './token-cache';

/**
 * How long a token superseded by a rotation keeps working: long enough to paste the new one into Okta or Entra
 * (two tokens live at once), short enough that a leaked old one dies soon. Revoking the connection ends both at once.
 */
export const TOKEN_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A token as the console lists it: its display prefix, never the secret or its hash. */
export interface ScimTokenDto {
  id: string;
  prefix: string;
  createdAt: string;
  /** Set when a rotation superseded it: it works until then. */
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface ScimConnectionDto {
  id: string;
  organizationId: string;
  name: string;
  passwordSetup: 'none' | 'invitation';
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  /** Where the identity provider sends its SCIM requests: `<ROSTER_BASE_URL>/api/scim/v2`, the same for every connection. */
  baseUrl: string;
  /** The last time any of its tokens was used (to the minute), or null. */
  lastUsedAt: string | null;
  /** Newest first. */
  tokens: ScimTokenDto[];
}

/** A connection as events carry it: no token material at all, not even display prefixes. */
export type ScimConnectionEventData = Omit<ScimConnectionDto, 'tokens' | 'lastUsedAt' | 'baseUrl'>;

/** Where every SCIM request goes; the token says which connection it is. */
export const scimBaseUrl = () => `${baseUrl()}/api/scim/v2`;

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toEventData(row: ScimConnectionRow): ScimConnectionEventData {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    passwordSetup: row.passwordSetup,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    revokedAt: iso(row.revokedAt),
  };
}

function toDto(row: ScimConnectionRow, tokens: ScimTokenRow[]): ScimConnectionDto {
  const used = tokens.map((token) => token.lastUsedAt?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
  return {
    ...toEventData(row),
    baseUrl: scimBaseUrl(),
    lastUsedAt: used ? new Date(used).toISOString() : null,
    tokens: tokens.map((token) => ({
      id: token.id,
      prefix: token.prefix,
      createdAt: token.createdAt.toISOString(),
      expiresAt: iso(token.expiresAt),
      lastUsedAt: iso(token.lastUsedAt),
      revokedAt: iso(token.revokedAt),
    })),
  };
}

/**
 * Throws unless the principal may see (`read`) or change (`manage`) organization `organizationId`'s SCIM connections:
 * its owners and admins, and staff who may change every organization. A token is a credential into the
 * organization, so no API key makes or rotates one. Not visible to the caller, or no such organization: NotFound.
 */
async function authorizeScim(ctx: CoreContext, organizationId: string, need: 'read' | 'manage'): Promise<void> {
  await authorizeInOrganization(ctx, organizationId, 'organization:update');
  if (need === 'manage' && ctx.principal.kind === 'apiKey') throw new Forbidden('An API key cannot manage SCIM connections.');
  const [organization] = await ctx.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId));
  if (!organization) throw new NotFound('Organization');
}

const tokensOf = (db: Pick<Transaction, 'select'>, connectionIds: string[]) =>
  connectionIds.length === 0 ? Promise.resolve([]) : db.select().from(scimTokens).where(inArray(scimTokens.connectionId, connectionIds)).orderBy(desc(scimTokens.createdAt));

/** Makes a connection and its first token; the token is returned this once (only its hash is stored). */
export async function createScimConnection(
  ctx: CoreContext,
  organizationId: string,
  rawInput: CreateScimConnectionInput | unknown,
): Promise<{ connection: ScimConnectionDto; token: string }> {
  await authorizeScim(ctx, organizationId, 'manage');
  const input = parseInput(createScimConnectionInput, rawInput);
  const secret = newScimToken();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(scimConnections)
      .values({ id: uuidv7(), organizationId, name: input.name, passwordSetup: input.passwordSetup, createdBy: ctx.principal.kind === 'user' ? ctx.principal.userId : null })
      .returning();
    const [token] = await tx.insert(scimTokens).values({ id: uuidv7(), connectionId: row!.id, secretHash: secret.hash, prefix: secret.prefix }).returning();
    await recordEvent(tx, ctx.principal, {
      type: 'scim-connection.created',
      subject: { type: 'scim-connection', id: row!.id },
      organizationId,
      changes: diffFields(undefined, { name: row!.name, passwordSetup: row!.passwordSetup }, ['name', 'passwordSetup']),
      data: { scimConnection: toEventData(row!) },
    });
    return { connection: toDto(row!, [token!]), token: secret.token };
  });
}

/** The organization's connections, newest first, revoked ones included (for the record). */
export async function listScimConnections(ctx: CoreContext, organizationId: string): Promise<ScimConnectionDto[]> {
  await authorizeScim(ctx, organizationId, 'read');
  const rows = await ctx.db.select().from(scimConnections).where(eq(scimConnections.organizationId, organizationId)).orderBy(desc(scimConnections.createdAt)).limit(100);
  const tokens = await tokensOf(ctx.db, rows.map((row) => row.id));
  return rows.map((row) => toDto(row, tokens.filter((token) => token.connectionId === row.id)));
}

export async function getScimConnection(ctx: CoreContext, organizationId: string, id: string): Promise<ScimConnectionDto> {
  await authorizeScim(ctx, organizationId, 'read');
  const row = await connectionRow(ctx.db, organizationId, id);
  return toDto(row, await tokensOf(ctx.db, [row.id]));
}

/** The connection's request journal, newest first (the last 1,000 requests). */
export async function listScimRequests(ctx: CoreContext, organizationId: string, id: string): Promise<ScimRequestDto[]> {
  await authorizeScim(ctx, organizationId, 'read');
  const row = await connectionRow(ctx.db, organizationId, id);
  return journalOf(ctx.db, row.id);
}

async function connectionRow(db: Pick<Transaction, 'select'>, organizationId: string, id: string, lock = false): Promise<ScimConnectionRow> {
  if (!isUuid(id)) throw new NotFound('SCIM connection');
  const query = db.select().from(scimConnections).where(and(eq(scimConnections.id, id), eq(scimConnections.organizationId, organizationId)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new NotFound('SCIM connection');
  return row;
}

/**
 * A new token for the connection, returned this once. The token that was current keeps working for TOKEN_OVERLAP_MS
 * (so two are live while the identity provider is reconfigured); one already superseded by an earlier rotation is
 * revoked now, so never more than two work at once.
 */
export async function rotateScimToken(ctx: CoreContext, organizationId: string, id: string): Promise<{ connection: ScimConnectionDto; token: string }> {
  await authorizeScim(ctx, organizationId, 'manage');
  const secret = newScimToken();
  const rotated = await ctx.db.transaction(async (tx) => {
    const row = await connectionRow(tx, organizationId, id, true);
    if (row.revokedAt) throw new PreconditionFailed('This SCIM connection is revoked; make a new one.');
    const now = new Date();
    const live = and(eq(scimTokens.connectionId, id), isNull(scimTokens.revokedAt));
    await tx.update(scimTokens).set({ revokedAt: now }).where(and(live, isNotNull(scimTokens.expiresAt)));
    await tx.update(scimTokens).set({ expiresAt: new Date(now.getTime() + TOKEN_OVERLAP_MS) }).where(and(live, isNull(scimTokens.expiresAt)));
    const [token] = await tx.insert(scimTokens).values({ id: uuidv7(), connectionId: id, secretHash: secret.hash, prefix: secret.prefix }).returning({ id: scimTokens.id });
    await recordEvent(tx, ctx.principal, {
      type: 'scim-connection.token-rotated',
      subject: { type: 'scim-connection', id },
      organizationId,
      changes: {},
      data: { scimConnection: toEventData(row), tokenId: token!.id },
    });
    return { connection: toDto(row, await tokensOf(tx, [id])), token: secret.token };
  });
  // Committed: this process looks the tokens up again at once (the one superseded earlier is now revoked).
  processScimTokenCache().forget();
  return rotated;
}

/** Revokes the connection and every token of it at once; it stays listed, revoked, with its journal. */
export async function revokeScimConnection(ctx: CoreContext, organizationId: string, id: string): Promise<ScimConnectionDto> {
  await authorizeScim(ctx, organizationId, 'manage');
  const revoked = await ctx.db.transaction(async (tx) => {
    const current = await connectionRow(tx, organizationId, id, true);
    if (current.revokedAt) throw new PreconditionFailed('This SCIM connection is already revoked.');
    const now = new Date();
    const [row] = await tx.update(scimConnections).set({ revokedAt: now }).where(eq(scimConnections.id, id)).returning();
    await tx.update(scimTokens).set({ revokedAt: now }).where(and(eq(scimTokens.connectionId, id), isNull(scimTokens.revokedAt)));
    await recordEvent(tx, ctx.principal, {
      type: 'scim-connection.revoked',
      subject: { type: 'scim-connection', id },
      organizationId,
      changes: { revokedAt: { before: null, after: now.toISOString() } },
      data: { scimConnection: toEventData(row!) },
    });
    return toDto(row!, await tokensOf(tx, [id]));
  });
  // Committed: the connection's tokens answer 401 from this process's next request on.
  processScimTokenCache().forget();
  return revoked;
}


/**
 * Deletes an organization's SCIM connections (tokens and journal go with them), in the transaction that deletes the
 * organization: its foreign keys would cascade anyway; this records each live one as `scim-connection.revoked`.
 */
export async function removeScimConnections(tx: Transaction, principal: CoreContext['principal'], organizationId: string): Promise<void> {
  const revokedAt = new Date();
  const rows = await tx.delete(scimConnections).where(eq(scimConnections.organizationId, organizationId)).returning();
  // Before the commit, so a lookup racing it may cache its tokens again: the events below forget them once committed.
  if (rows.length > 0) processScimTokenCache().forget();
  for (const row of rows.filter((connection) => connection.revokedAt === null)) {
    await recordEvent(tx, principal, {
      type: 'scim-connection.revoked',
      subject: { type: 'scim-connection', id: row.id },
      organizationId,
      changes: { revokedAt: { before: null, after: revokedAt.toISOString() } },
      data: { scimConnection: toEventData({ ...row, revokedAt }) },
    });
  }
}
