import 'server-only';
import { eq, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from '@/db/client';
import { organizationMembers, organizations, users, type OrganizationRow } from '@/db/schema';
import { revokeInvitationsOfDeletedOrganization } from '../invitations/organization-commands';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { Conflict, Forbidden, Unauthenticated, ValidationFailed } from '../errors';
import { diffFields, recordEvent } from '../events';
import type { CoreContext, Principal } from '../principal';
import { parseInput } from '../validation';
import type { WriteOptions } from '../versions';
import { authorizeInOrganization, managesEveryOrganization, type OrgCreation } from './access';
import { toOrganizationDto, type OrganizationDto } from './dto';
import { memberColumns, memberEvent, readMember } from './members';
import { lockOrganization, withOwnerInvariant } from './owners';
import { removeOrganizationCredentials } from './owned-credentials';
import { createOrganizationInput, organizationFields, updateOrganizationInput, type CreateOrganizationInput, type UpdateOrganizationInput } from './schemas';

export type { WriteOptions } from '../versions';

/**
 * Staff (and organizations:write keys) create an organization for anyone and name its first owner (`ownerId`);
 * a signed-in end user creates one and becomes its owner, unless `creation` is `staff` (ROSTER_ORG_CREATION).
 */
export async function createOrganization(ctx: CoreContext, rawInput: CreateOrganizationInput | unknown, creation: OrgCreation): Promise<OrganizationDto> {
  const ownerId = creatorOwner(ctx.principal, creation, rawInput);
  const input = parseInput(createOrganizationInput, rawInput);
  const owner = ownerId ?? input.ownerId;
  if (!owner) throw new ValidationFailed([{ path: ['ownerId'], message: 'Name the first owner: ownerId is required when staff create an organization' }]);
  return withSlugUniqueness(() =>
    ctx.db.transaction(async (tx) => {
      const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, owner)).for('share');
      if (!user) throw new ValidationFailed([{ path: ['ownerId'], message: 'No user has this id' }]);
      const [row] = await tx.insert(organizations).values({ id: uuidv7(), name: input.name, slug: input.slug, metadata: input.metadata }).returning();
      const organization = toOrganizationDto(row!);
      await recordEvent(tx, ctx.principal, {
        type: 'organization.created',
        subject: { type: 'organization', id: organization.id },
        organizationId: organization.id,
        changes: diffFields(undefined, row!, organizationFields),
        data: { organization },
      });
      await tx.insert(organizationMembers).values({ organizationId: organization.id, userId: owner, role: 'owner' });
      await memberEvent(tx, ctx.principal, 'member.added', await readMember(tx, organization.id, owner), { role: { before: null, after: 'owner' } });
      return organization;
    }),
  );
}

/** The owner an end user's organization gets (themselves), or null for staff, who name one; throws for the rest. */
function creatorOwner(principal: Principal, creation: OrgCreation, rawInput: unknown): string | null {
  if (managesEveryOrganization(principal)) return null;
  if (principal.kind === 'anonymous') throw new Unauthenticated('Sign in or send credentials to do this.');
  if (principal.kind !== 'user') throw new Forbidden("You don't have permission to do this (needs organizations:write).");
  if (creation === 'staff') throw new Forbidden('Only staff create organizations here (ROSTER_ORG_CREATION=staff).');
  const named = (rawInput as { ownerId?: unknown } | null)?.ownerId;
  if (named !== undefined && named !== principal.userId) throw new Forbidden('You become the owner of what you create: only staff name another owner.');
  return principal.userId;
}

/** Applies the given fields; a change that changes nothing leaves version and events untouched. */
export async function updateOrganization(ctx: CoreContext, id: string, rawInput: UpdateOrganizationInput | unknown, options: WriteOptions = {}): Promise<OrganizationDto> {
  await authorizeInOrganization(ctx, id, 'organization:update');
  const input = parseInput(updateOrganizationInput, rawInput);
  return withSlugUniqueness(() =>
    ctx.db.transaction(async (tx) => {
      const current = await lockOrganization(tx, id, options);
      const changes = diffFields<OrganizationRow>(current, { ...current, ...input }, organizationFields.filter((field) => field in input));
      // jsonb: compare by content, not identity.
      if (input.metadata && JSON.stringify(input.metadata) === JSON.stringify(current.metadata)) delete changes.metadata;
      if (Object.keys(changes).length === 0) return toOrganizationDto(current);
      const [row] = await tx
        .update(organizations)
        .set({ ...input, version: sql`${organizations.version} + 1`, updatedAt: new Date() })
        .where(eq(organizations.id, id))
        .returning();
      const organization = toOrganizationDto(row!);
      await recordEvent(tx, ctx.principal, { type: 'organization.updated', subject: { type: 'organization', id }, organizationId: id, changes, data: { organization } });
      return organization;
    }),
  );
}

/** Deletes the organization, its memberships, invitations, keys and endpoints in one transaction: an event for each, then its own. */
export async function deleteOrganization(ctx: CoreContext, id: string, options: WriteOptions = {}): Promise<void> {
  await authorizeInOrganization(ctx, id, 'organization:delete');
  await withOwnerInvariant(() => ctx.db.transaction(async (tx) => removeOrganization(tx, ctx.principal, await lockOrganization(tx, id, options))));
}

/**
 * Deletes an organization already locked in `tx`, with what goes with it (memberships, open invitations, its
 * credentials) and its events, by `principal`: no authorization here, the caller decided.
 */
export async function removeOrganization(tx: Transaction, principal: Principal, current: OrganizationRow): Promise<void> {
  const { id } = current;
  await removeAllMembers(tx, principal, current);
  await revokeInvitationsOfDeletedOrganization(tx, principal, id);
  await removeOrganizationCredentials(tx, principal, id);
  await tx.delete(organizations).where(eq(organizations.id, id));
  await recordEvent(tx, principal, {
    type: 'organization.deleted',
    subject: { type: 'organization', id },
    organizationId: id,
    changes: diffFields(current, undefined, organizationFields),
    data: { organization: toOrganizationDto(current) },
  });
}

/** The organization's memberships, each with its member.removed event; the organization's row goes right after. */
async function removeAllMembers(tx: Transaction, principal: Principal, organization: OrganizationRow): Promise<void> {
  const members = await tx.select(memberColumns).from(organizationMembers).innerJoin(users, eq(users.id, organizationMembers.userId)).where(eq(organizationMembers.organizationId, organization.id));
  // Deleting the organization's row cascades to these; the trigger lets the last owner go only with it.
  for (const member of members) await memberEvent(tx, principal, 'member.removed', member, { role: { before: member.role, after: null } });
}

async function withSlugUniqueness<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new Conflict('An organization with this slug already exists: choose another slug.', 'slug');
    throw error;
  }
}
