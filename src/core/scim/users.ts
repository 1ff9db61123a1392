import 'server-only';
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Transaction } from '@/db/client';
import { accounts, auditEvents, organizationMembers, scimGroupMembers, scimGroups, scimUsers, sessions, users, type ScimUserRow } from '@/db/schema';
import { issueAccountToken } from '../accounts/tokens';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../db-errors';
import { diffFields, eventsInsert, recordEvents, type NewEvent } from '../events';
import { emailLink } from '../links';
import { enqueueMail } from '../mail';
import type { MemberRow } from '../organizations/dto';
import { memberEvent, memberEventOf, readMember } from '../organizations/members';
import { assertAnotherOwner, lockOrganization, withOwnerInvariant } from '../organizations/owners';
import { toUserDto } from '../users/dto';
import { applyUserChanges, deleteLockedUser } from '../users/commands';
import { isUuid } from '../validation';
import { ScimError } from './errors';
import { filterCondition, likePattern, type ScimFilter, type ScimPage, type ScimPaging } from './filter-sql';
import type { ScimUserAttributes } from './protocol/user';
import { scimPrincipal, type ScimScope } from './scope';

export type { ScimUserAttributes };

/** A provisioned user as SCIM shows them: the SCIM id is the Roster user's id. */
export interface ScimUserView extends Omit<ScimUserAttributes, 'active' | 'email'> {
  id: string;
  email: string;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The SCIM attributes Roster keeps in scim_users, compared for `member.updated` events. */
const scimFields = ['userName', 'externalId', 'givenName', 'familyName', 'displayName', 'employeeNumber', 'department', 'managerId'] as const;

const viewColumns = {
  id: scimUsers.userId,
  userName: scimUsers.userName,
  externalId: scimUsers.externalId,
  givenName: scimUsers.givenName,
  familyName: scimUsers.familyName,
  displayName: scimUsers.displayName,
  employeeNumber: scimUsers.employeeNumber,
  department: scimUsers.department,
  managerId: scimUsers.managerId,
  email: users.email,
  active: sql<boolean>`(${organizationMembers.suspendedAt} IS NULL)`.mapWith(Boolean),
  version: scimUsers.version,
  createdAt: scimUsers.createdAt,
  updatedAt: scimUsers.updatedAt,
};

/** The joins every read of a provisioned user makes: their Roster user and their membership. */
function selectViews(db: Database | Transaction) {
  return db
    .select(viewColumns)
    .from(scimUsers)
    .innerJoin(users, eq(users.id, scimUsers.userId))
    .innerJoin(organizationMembers, and(eq(organizationMembers.organizationId, scimUsers.organizationId), eq(organizationMembers.userId, scimUsers.userId)));
}

const notFound = () => new ScimError(404, undefined, 'No user with this id in this organization.');

/** One provisioned user of the scope's organization; 404 for any other id (another organization's too). */
export async function getScimUser(db: Database | Transaction, scope: ScimScope, id: string): Promise<ScimUserView> {
  if (!isUuid(id)) throw notFound();
  const [view] = await selectViews(db).where(and(eq(scimUsers.organizationId, scope.organizationId), eq(scimUsers.userId, id)));
  if (!view) throw notFound();
  return view;
}

/** A page of the organization's provisioned users, oldest first, `startIndex` 1-based, with the total matching. */
export async function listScimUsers(db: Database, scope: ScimScope, filter: ScimFilter | null, paging: ScimPaging): Promise<ScimPage<ScimUserView>> {
  const where = and(eq(scimUsers.organizationId, scope.organizationId), filter ? filterCondition(filter, userColumn) : undefined);
  const [total] = await db
    .select({ n: count() })
    .from(scimUsers)
    .innerJoin(users, eq(users.id, scimUsers.userId))
    .where(where);
  const resources =
    paging.count === 0
      ? []
      : await selectViews(db)
          .where(where)
          .orderBy(asc(scimUsers.createdAt), asc(scimUsers.userId))
          .offset(paging.startIndex - 1)
          .limit(paging.count);
  return { resources, totalResults: total!.n };
}

/** Filter attributes as columns: userName and emails compare case-insensitively (both are indexed lower()). */
function userColumn(attribute: string, operator: 'eq' | 'co' | 'sw', value: string, emailType?: string): SQL {
  switch (attribute) {
    case 'userName':
      return operator === 'eq' ? sql`lower(${scimUsers.userName}) = lower(${value})` : sql`${scimUsers.userName} ILIKE ${likePattern(operator, value)}`;
    case 'emails.value':
      // Roster keeps one address per user, the work one: another type matches nobody.
      if (emailType !== undefined && emailType.toLowerCase() !== 'work') return sql`false`;
      return operator === 'eq' ? sql`lower(${users.email}) = lower(${value})` : sql`${users.email} ILIKE ${likePattern(operator, value)}`;
    case 'externalId':
      return operator === 'eq' ? sql`${scimUsers.externalId} = ${value}` : sql`${scimUsers.externalId} ILIKE ${likePattern(operator, value)}`;
    case 'id':
      return operator === 'eq' && isUuid(value) ? eq(scimUsers.userId, value) : operator === 'eq' ? sql`false` : sql`${scimUsers.userId}::text ILIKE ${likePattern(operator, value)}`;
    default:
      throw new ScimError(400, 'invalidFilter', `Users can't be filtered on ${attribute}.`);
  }
}

/** The Roster user's name, from what the identity provider says. */
function rosterName(attributes: ScimUserAttributes): string {
  const joined = [attributes.givenName, attributes.familyName].filter(Boolean).join(' ');
  return (attributes.displayName || joined || attributes.userName).slice(0, 200);
}

/** The address the user signs in with: their work/primary email, or a userName that is one. */
function rosterEmail(attributes: ScimUserAttributes): string {
  const address = (attributes.email ?? (attributes.userName.includes('@') ? attributes.userName : null))?.trim().toLowerCase();
  if (!address || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address) || address.length > 254) {
    throw new ScimError(400, 'invalidValue', 'A user needs an email address: send emails (work or primary), or a userName that is an email address.');
  }
  return address;
}

/**
 * POST /Users: the user joins the organization with a verified address. An existing Roster user with that address is
 * linked, not duplicated. A new one has no password: they sign in through the organization's identity provider, or,
 * when the connection says so, set one from the link emailed to them. `active: false` provisions them suspended.
 */
export async function createScimUser(db: Database, scope: ScimScope, attributes: ScimUserAttributes): Promise<ScimUserView> {
  const email = rosterEmail(attributes);
  return withScimUniqueness(() =>
    db.transaction(async (tx) => {
      const [inserted] = await tx.insert(users).values({ id: uuidv7(), email, name: rosterName(attributes), emailVerified: true }).onConflictDoNothing().returning();
      const { member, row } = inserted ? await provisionNewUser(tx, scope, inserted, attributes) : await linkExistingUser(tx, scope, email, attributes);
      if (attributes.active === false) await setActive(tx, scope, member.userId, false);
      if (inserted && scope.passwordSetup === 'invitation') {
        const token = await issueAccountToken(tx, { purpose: 'password-reset', userId: inserted.id, address: email, now: new Date() });
        await enqueueMail(tx, { kind: 'password-reset', to: email, link: emailLink('reset-password', token) });
      }
      return {
        ...scimColumns(row),
        id: member.userId,
        email: member.email,
        active: attributes.active !== false && !member.suspendedAt,
        version: row.version,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
    }),
  );
}

type UserRow = typeof users.$inferSelect;

/** What provisioning wrote besides the user: their membership and their SCIM attributes. */
interface Provisioned {
  member: MemberRow;
  row: ScimUserRow;
}

/**
 * A new user (the common case) joins in one statement after their INSERT: the membership and the events ride in WITH
 * clauses of the scim_users INSERT. The membership's times are set here, so its row (for the event) needs no reading.
 */
async function provisionNewUser(tx: Transaction, scope: ScimScope, user: UserRow, attributes: ScimUserAttributes): Promise<Provisioned> {
  const now = new Date();
  const membership = { organizationId: scope.organizationId, userId: user.id, role: 'member' as const, suspendedAt: null, createdAt: now, updatedAt: now };
  const member: MemberRow = { ...membership, email: user.email, name: user.name };
  const events: NewEvent[] = [
    {
      type: 'user.created',
      subject: { type: 'user', id: user.id },
      organizationId: scope.organizationId,
      changes: diffFields(undefined, user, ['email', 'name', 'role', 'status', 'plan']),
      data: { user: toUserDto(user) },
    },
    memberEventOf('member.added', member, { role: { before: null, after: 'member' }, ...scimChanges(attributes) }),
  ];
  const joined = tx.$with('joined').as(tx.insert(organizationMembers).values(membership).returning({ userId: organizationMembers.userId }));
  const logged = tx.$with('logged').as(eventsInsert(tx, scimPrincipal(scope), events).returning({ id: auditEvents.id }));
  const [row] = await tx
    .with(joined, logged)
    .insert(scimUsers)
    .values({ organizationId: scope.organizationId, userId: user.id, connectionId: scope.connectionId, ownRole: 'member', ...scimColumns(attributes) })
    .returning();
  return { member, row: row! };
}

/** An address that already has a Roster user: they are linked (locked first), joining or staying a member. */
async function linkExistingUser(tx: Transaction, scope: ScimScope, email: string, attributes: ScimUserAttributes): Promise<Provisioned> {
  const principal = scimPrincipal(scope);
  let [user] = await tx.select().from(users).where(sql`lower(${users.email}) = ${email}`).for('update');
  if (!user) throw new ScimError(409, 'uniqueness', 'A user with this email was being provisioned at the same time; retry.');
  if (!user.emailVerified) {
    // Nobody proved this address (a self sign-up that never confirmed it): whoever made the account may not be the
    // person the identity provider vouches for, so their password and sessions go before the account joins.
    await tx.delete(accounts).where(and(eq(accounts.userId, user.id), eq(accounts.providerId, 'credential')));
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
    user = await applyUserChanges(tx, principal, user, { emailVerified: true }, 'user.updated', { organizationId: scope.organizationId });
  }
  const userId = user.id;
  // One event per provisioning: member.added with the SCIM attributes, or member.updated when already a member.
  const [joined] = await tx.insert(organizationMembers).values({ organizationId: scope.organizationId, userId, role: 'member' }).onConflictDoNothing().returning();
  const member = joined ? { ...joined, email: user.email, name: user.name } : await readMember(tx, scope.organizationId, userId);
  const [row] = await tx
    .insert(scimUsers)
    .values({ organizationId: scope.organizationId, userId, connectionId: scope.connectionId, ownRole: member.role, ...scimColumns(attributes) })
    .returning();
  const changes = scimChanges(attributes);
  await recordEvents(tx, principal, [memberEventOf(joined ? 'member.added' : 'member.updated', member, joined ? { role: { before: null, after: 'member' }, ...changes } : changes)]);
  return { member, row: row! };
}

const scimChanges = (attributes: ScimUserAttributes) => diffFields<Record<string, unknown>>(undefined, { ...attributes }, scimFields);

/** Weak-ETag concurrency: the version the caller's If-Match named; a mismatch answers 412. */
export interface ScimWriteOptions {
  expectedVersion?: number;
}

/**
 * PUT and PATCH: `next(current)` says what the user becomes (a PUT's body, or PATCH operations applied to the
 * current attributes, all or none). A PUT without `active` leaves it as it is.
 */
export async function updateScimUser(
  db: Database,
  scope: ScimScope,
  id: string,
  next: (current: ScimUserAttributes) => ScimUserAttributes,
  { expectedVersion }: ScimWriteOptions = {},
): Promise<ScimUserView> {
  if (!isUuid(id)) throw notFound();
  const principal = scimPrincipal(scope);
  return withScimUniqueness(() =>
    db.transaction(async (tx) => {
      const current = await lockScimUser(tx, scope, id, expectedVersion);
      const wanted = next({ ...current, active: current.active });
      const changes = diffFields<Record<string, unknown>>({ ...current }, { ...wanted }, scimFields);
      const [user] = await tx.select().from(users).where(eq(users.id, id)).for('update');
      const email = wanted.email === null && current.email ? current.email : rosterEmail(wanted);
      const updated = await applyUserChanges(tx, principal, user!, { email, name: rosterName(wanted), emailVerified: true }, 'user.updated', {
        organizationId: scope.organizationId,
      });
      const activeChanged = wanted.active !== undefined && wanted.active !== current.active;
      if (activeChanged) await setActive(tx, scope, id, wanted.active!);
      if (Object.keys(changes).length > 0 || activeChanged || updated !== user) {
        await tx
          .update(scimUsers)
          .set({ ...scimColumns(wanted), version: sql`${scimUsers.version} + 1`, updatedAt: new Date() })
          .where(and(eq(scimUsers.organizationId, scope.organizationId), eq(scimUsers.userId, id)));
        if (Object.keys(changes).length > 0) await memberEvent(tx, principal, 'member.updated', await readMember(tx, scope.organizationId, id), changes);
      }
      return getScimUser(tx, scope, id);
    }),
  );
}

/**
 * DELETE /Users/{id}: the membership goes (with the user's groups here); the Roster user is deleted too when nothing
 * else holds them (no other organization, no staff role). The last owner of the organization can't be removed (409).
 */
export async function deleteScimUser(db: Database, scope: ScimScope, id: string, { expectedVersion }: ScimWriteOptions = {}): Promise<void> {
  if (!isUuid(id)) throw notFound();
  const principal = scimPrincipal(scope);
  await withOwnerInvariant(() =>
    db.transaction(async (tx) => {
      const organization = await lockOrganization(tx, scope.organizationId);
      await lockScimUser(tx, scope, id, expectedVersion);
      const [user] = await tx.select().from(users).where(eq(users.id, id)).for('update');
      const groupIds = tx.select({ id: scimGroups.id }).from(scimGroups).where(eq(scimGroups.organizationId, scope.organizationId));
      await tx.delete(scimGroupMembers).where(and(eq(scimGroupMembers.userId, id), inArray(scimGroupMembers.groupId, groupIds)));
      await tx.delete(scimUsers).where(and(eq(scimUsers.organizationId, scope.organizationId), eq(scimUsers.userId, id)));
      const [{ n: otherMemberships }] = (await tx
        .select({ n: count() })
        .from(organizationMembers)
        .where(and(eq(organizationMembers.userId, id), sql`${organizationMembers.organizationId} <> ${scope.organizationId}`))) as [{ n: number }];
      if (otherMemberships === 0 && user!.role === 'member') {
        await deleteLockedUser(tx, principal, user!);
        return;
      }
      const member = await readMember(tx, scope.organizationId, id);
      if (member.role === 'owner') await assertAnotherOwner(tx, organization, id, 'member');
      await tx.delete(organizationMembers).where(and(eq(organizationMembers.organizationId, scope.organizationId), eq(organizationMembers.userId, id)));
      await memberEvent(tx, principal, 'member.removed', member, { role: { before: member.role, after: null } });
    }),
  );
}

/**
 * `active: false` suspends the membership and ends every session the user has in Roster, in the caller's
 * transaction; `active: true` restores it. Sign-in stays refused while no active membership or staff role remains.
 */
async function setActive(tx: Transaction, scope: ScimScope, userId: string, active: boolean): Promise<void> {
  const principal = scimPrincipal(scope);
  await tx
    .update(organizationMembers)
    .set({ suspendedAt: active ? null : new Date(), updatedAt: new Date() })
    .where(and(eq(organizationMembers.organizationId, scope.organizationId), eq(organizationMembers.userId, userId)));
  let ended = 0;
  if (!active) ended = (await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id })).length;
  const member = await readMember(tx, scope.organizationId, userId);
  await memberEvent(tx, principal, active ? 'member.restored' : 'member.suspended', member, {
    active: { before: !active, after: active },
    ...(active ? {} : { sessions: { before: ended, after: 0 } }),
  });
}

/** Locks the provisioned user's row (and checks If-Match); 404 outside the scope's organization. */
async function lockScimUser(tx: Transaction, scope: ScimScope, id: string, expectedVersion: number | undefined): Promise<ScimUserView> {
  const [row] = await tx
    .select({ version: scimUsers.version })
    .from(scimUsers)
    .where(and(eq(scimUsers.organizationId, scope.organizationId), eq(scimUsers.userId, id)))
    .for('update');
  if (!row) throw notFound();
  if (expectedVersion !== undefined && row.version !== expectedVersion) {
    throw new ScimError(412, undefined, `This user was changed since (now at version ${row.version}, If-Match named ${expectedVersion}).`);
  }
  return getScimUser(tx, scope, id);
}

function scimColumns(attributes: Omit<ScimUserAttributes, 'active' | 'email'>): Omit<ScimUserRow, 'organizationId' | 'userId' | 'connectionId' | 'ownRole' | 'version' | 'createdAt' | 'updatedAt'> {
  return {
    userName: attributes.userName,
    externalId: attributes.externalId,
    givenName: attributes.givenName,
    familyName: attributes.familyName,
    displayName: attributes.displayName,
    employeeNumber: attributes.employeeNumber,
    department: attributes.department,
    managerId: attributes.managerId,
  };
}

/** A duplicate userName, externalId or email is SCIM's 409 `uniqueness`. */
async function withScimUniqueness<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new ScimError(409, 'uniqueness', 'A user with this userName, externalId or email already exists in this organization.');
    throw error;
  }
}

/** Rows of users a group lists, as SCIM names them (exported for groups). */
export async function scimUserNames(db: Database | Transaction, organizationId: string, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ id: scimUsers.userId, userName: scimUsers.userName, displayName: scimUsers.displayName })
    .from(scimUsers)
    .where(and(eq(scimUsers.organizationId, organizationId), inArray(scimUsers.userId, userIds)));
  return new Map(rows.map((row) => [row.id, row.displayName ?? row.userName]));
}
