import 'server-only';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Transaction } from '@/db/client';
import { accounts, organizationMembers, organizations, users, type UserRow } from '@/db/schema';
import { returnedRows, unnestInsert } from '@/db/unnest-insert';
import { issueAccountToken } from '../../accounts/tokens';
import { authorizeAccountChange } from '../../authorization';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../../db-errors';
import { Conflict, Forbidden, ValidationFailed } from '../../errors';
import { diffFields, recordEvents, type NewEvent } from '../../events';
import { emailLink } from '../../links';
import { enqueueMail } from '../../mail';
import { memberEventOf } from '../../organizations/members';
import type { Principal } from '../../principal';
import { applyUserChanges } from '../commands';
import { toUserDto } from '../dto';
import { userFields } from '../schemas';
import type { ImportRecord } from './records';
import type { RowError, ValidRow } from './validate';

export type ImportMode = 'insert' | 'upsert';

/** What a dry run found wrong with a batch's rows. */
export interface BatchOutcome {
  errors: RowError[];
}

interface BatchContext {
  db: Database | Transaction;
  principal: Principal;
  mode: ImportMode;
}

/**
 * What a batch of valid rows would do, writing nothing: the organizations they name must exist; in insert mode an
 * email or externalId that exists (or came earlier in the batch) is a duplicate; in upsert mode a match is an update
 * the principal must be allowed to make.
 */
export async function dryRunBatch(ctx: BatchContext, rows: ValidRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { errors: [] };
  const known = await existingOrganizations(ctx.db, rows);
  const ready = rows.filter((row) => {
    if (!unknownOrganization(row, known)) return true;
    outcome.errors.push(unknownOrganization(row, known)!);
    return false;
  });
  return dryRun(ctx, ready, outcome);
}

const unknownOrganization = (row: ValidRow, known: Set<string>): RowError | null =>
  row.record.organizationId && !known.has(row.record.organizationId)
    ? { line: row.line, field: 'organizationId', code: 'not_found', detail: 'No organization has this id.' }
    : null;

/** What applying a chunk does besides creating users: send those without a password an invitation to set one. */
export interface ApplyOptions {
  invite: boolean;
}

/**
 * Creates a chunk of new users at once (insert mode), in `tx` (one savepoint for the chunk): one multi-row INSERT …
 * ON CONFLICT DO NOTHING per table. Answers the rows it refused, with the same errors `applyRow` gives: an unknown
 * organization, or an email or externalId that is taken (by an existing user, a concurrent writer or an earlier row).
 * Anything else that fails throws, leaving the caller to undo the savepoint and apply row by row.
 */
export async function insertBatch(tx: Transaction, principal: Principal, rows: ValidRow[], options: ApplyOptions): Promise<RowError[]> {
  const known = await existingOrganizations(tx, rows);
  const refused: RowError[] = [];
  const ready = rows.filter((row) => {
    const unknown = unknownOrganization(row, known);
    if (unknown) refused.push({ ...unknown, code: 'validation_failed' });
    return !unknown;
  });
  const inserted = await insertRows(tx, principal, ready, options);
  for (const row of ready) if (!inserted.has(row.line)) refused.push({ ...duplicate(row), code: 'conflict' });
  return refused.sort((a, b) => a.line - b.line);
}

/**
 * Applies one row in `tx` (a job item's savepoint): all or nothing, its user, password hash, membership and events
 * together. A row that can't be applied throws a domain error naming the field.
 */
export async function applyRow(tx: Transaction, principal: Principal, mode: ImportMode, row: ValidRow, options: ApplyOptions): Promise<void> {
  const unknown = unknownOrganization(row, await existingOrganizations(tx, [row]));
  if (unknown) throw new ValidationFailed([{ path: ['organizationId'], message: unknown.detail }]);
  try {
    const current = mode === 'upsert' ? matchOf(await existingUsers(tx, [row], true), row.record) : undefined;
    if (current) {
      authorizeAccountChange(principal, current.role, row.record.role);
      await updateRow(tx, principal, current, row.record);
      return;
    }
    if ((await insertRows(tx, principal, [row], options)).size === 0) throw new Conflict(duplicate(row).detail, 'email');
  } catch (error) {
    // Another row's email or externalId (or a concurrent writer's): this row alone is refused.
    if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw new Conflict(duplicate(row).detail, 'email');
    throw error;
  }
}
const duplicate = (row: ValidRow): RowError => ({
  line: row.line,
  field: 'email',
  code: 'duplicate',
  detail: row.record.externalId ? 'A user with this email or externalId exists.' : 'A user with this email exists.',
});

async function existingOrganizations(db: Database | Transaction, rows: ValidRow[]): Promise<Set<string>> {
  const ids = [...new Set(rows.flatMap((row) => (row.record.organizationId ? [row.record.organizationId] : [])))];
  if (ids.length === 0) return new Set();
  return new Set((await db.select({ id: organizations.id }).from(organizations).where(inArray(organizations.id, ids))).map((row) => row.id));
}

/** The existing users a batch's emails or external ids name, by lower-case email and by external id. */
async function existingUsers(db: Database | Transaction, rows: ValidRow[], lock = false) {
  const emails = rows.map((row) => row.record.email);
  const externalIds = rows.flatMap((row) => (row.record.externalId ? [row.record.externalId] : []));
  const condition = or(inArray(sql`lower(${users.email})`, emails), externalIds.length ? inArray(users.externalId, externalIds) : undefined);
  const query = db.select().from(users).where(condition);
  const found = lock ? await query.for('update') : await query;
  return {
    byEmail: new Map(found.map((user) => [user.email.toLowerCase(), user])),
    byExternalId: new Map(found.flatMap((user) => (user.externalId ? [[user.externalId, user] as const] : []))),
  };
}

/** The user a record names: by externalId first, else by email. */
const matchOf = (existing: Awaited<ReturnType<typeof existingUsers>>, record: ImportRecord) =>
  (record.externalId ? existing.byExternalId.get(record.externalId) : undefined) ?? existing.byEmail.get(record.email);

async function dryRun(ctx: BatchContext, rows: ValidRow[], outcome: BatchOutcome): Promise<BatchOutcome> {
  if (rows.length === 0) return outcome;
  const existing = await existingUsers(ctx.db, rows);
  const seen = new Set<string>();
  for (const row of rows) {
    const keys = [`e:${row.record.email}`, ...(row.record.externalId ? [`x:${row.record.externalId}`] : [])];
    const match = matchOf(existing, row.record);
    if (ctx.mode === 'upsert' && match) {
      const refused = refusedChange(ctx.principal, match, row);
      if (refused) outcome.errors.push(refused);
    } else if (match || (ctx.mode === 'insert' && keys.some((key) => seen.has(key)))) outcome.errors.push(duplicate(row));
    for (const key of keys) seen.add(key);
  }
  return outcome;
}

function refusedChange(principal: Principal, current: UserRow, row: ValidRow): RowError | null {
  try {
    authorizeAccountChange(principal, current.role, row.record.role);
    return null;
  } catch (error) {
    if (error instanceof Forbidden) return { line: row.line, field: 'role', code: 'forbidden', detail: error.message };
    throw error;
  }
}

/**
 * Inserts the rows whose email and externalId are free (ON CONFLICT DO NOTHING skips the others, a later duplicate
 * within the batch too), with their password hashes, memberships, events and (`invite`) invitations. Returns the
 * lines it inserted.
 */
async function insertRows(tx: Transaction, principal: Principal, rows: ValidRow[], { invite }: ApplyOptions): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const lineOf = new Map<string, ValidRow>();
  // Every row of an unnest INSERT names the same columns: a record without createdAt gets the chunk's moment.
  const now = new Date();
  const values = rows.map((row) => {
    const { record } = row;
    const id = uuidv7();
    lineOf.set(id, row);
    const createdAt = record.createdAt ? new Date(record.createdAt) : now;
    return {
      id,
      email: record.email,
      name: record.name ?? record.email.split('@')[0]!,
      role: record.role,
      emailVerified: record.emailVerified,
      externalId: record.externalId ?? null,
      metadata: record.metadata ?? {},
      createdAt,
      updatedAt: createdAt,
    };
  });
  // Hundreds of rows at once: one array per column (src/db/unnest-insert.ts), not Drizzle's parameter per value.
  const inserted = returnedRows(users, await tx.execute(sql`${unnestInsert(users, values)} ON CONFLICT DO NOTHING RETURNING *`));
  if (inserted.length === 0) return new Set();
  const withHash = inserted.flatMap((user) => {
    const hash = lineOf.get(user.id)!.record.passwordHash;
    return hash ? [{ id: uuidv7(), userId: user.id, accountId: user.id, providerId: 'credential', password: hash }] : [];
  });
  if (withHash.length) await tx.execute(unnestInsert(accounts, withHash));
  const events: NewEvent[] = inserted.map(createdEvent);
  events.push(...(await addMemberships(tx, inserted.flatMap((user) => membershipOf(user, lineOf.get(user.id)!.record)))));
  if (invite) events.push(...(await inviteToSetPassword(tx, inserted.filter((user) => !lineOf.get(user.id)!.record.passwordHash))));
  await recordEvents(tx, principal, events);
  return new Set(inserted.map((user) => lineOf.get(user.id)!.line));
}

// A job's principal carries its id, which recordEvents adds to every event's data (data.jobId).
const createdEvent = (user: UserRow): NewEvent => ({
  type: 'user.created',
  subject: { type: 'user', id: user.id },
  changes: diffFields(undefined, user, [...userFields, 'plan']),
  data: { user: toUserDto(user) },
});

/**
 * A link to set a password, by email, for each new user who has none: the staff action's password-reset mail (a
 * single-use token), queued in the mail outbox with the import, so the mailer sends it once the chunk commits.
 */
async function inviteToSetPassword(tx: Transaction, passwordless: UserRow[]): Promise<NewEvent[]> {
  const now = new Date();
  const events: NewEvent[] = [];
  for (const user of passwordless) {
    const token = await issueAccountToken(tx, { purpose: 'password-reset', userId: user.id, address: user.email, now });
    await enqueueMail(tx, { kind: 'password-reset', to: user.email, link: emailLink('reset-password', token) });
    events.push({ type: 'user.password-reset-sent', subject: { type: 'user', id: user.id }, changes: {}, data: { user: toUserDto(user) } });
  }
  return events;
}

const membershipOf = (user: UserRow, record: ImportRecord) =>
  record.organizationId ? [{ user, organizationId: record.organizationId, role: record.organizationRole ?? 'member' }] : [];

/** Memberships not there yet, with their member.added events (one already there is left as it is). */
async function addMemberships(tx: Transaction, wanted: ReturnType<typeof membershipOf>): Promise<NewEvent[]> {
  if (wanted.length === 0) return [];
  const added = await tx
    .insert(organizationMembers)
    .values(wanted.map(({ user, organizationId, role }) => ({ organizationId, userId: user.id, role })))
    .onConflictDoNothing()
    .returning();
  const userOf = new Map(wanted.map(({ user }) => [user.id, user]));
  return added.map((member) => {
    const user = userOf.get(member.userId)!;
    return memberEventOf('member.added', { ...member, email: user.email, name: user.name }, { role: { before: null, after: member.role } });
  });
}

async function updateRow(tx: Transaction, principal: Principal, current: UserRow, record: ImportRecord): Promise<void> {
  const changes = {
    email: record.email,
    name: record.name ?? current.name,
    role: record.role,
    emailVerified: record.emailVerified,
    externalId: record.externalId ?? current.externalId,
    // A jsonb value is a new object on every read: only a different one is a change.
    ...(record.metadata && JSON.stringify(record.metadata) !== JSON.stringify(current.metadata) ? { metadata: record.metadata } : {}),
  };
  const row = await applyUserChanges(tx, principal, current, changes, 'user.updated');
  if (record.passwordHash) {
    const [account] = await tx
      .update(accounts)
      .set({ password: record.passwordHash, updatedAt: new Date() })
      .where(and(eq(accounts.userId, row.id), eq(accounts.providerId, 'credential')))
      .returning({ id: accounts.id });
    if (!account) await tx.insert(accounts).values({ id: uuidv7(), userId: row.id, accountId: row.id, providerId: 'credential', password: record.passwordHash });
  }
  const events = await addMemberships(tx, membershipOf(row, record));
  if (events.length) await recordEvents(tx, principal, events);
}

