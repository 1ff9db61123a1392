import 'server-only';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Transaction } from '@/db/client';
import { accounts, organizationMembers, organizations, users, type UserRow } from '@/db/schema';
import { authorizeAccountChange } from '../../authorization';
import { postgresErrorCode, UNIQUE_VIOLATION } from '../../db-errors';
import { Forbidden } from '../../errors';
import { diffFields, recordEvents, type NewEvent } from '../../events';
import { memberEventOf } from '../../organizations/members';
import type { Principal } from '../../principal';
import { applyUserChanges } from '../commands';
import { toUserDto } from '../dto';
import { userFields } from '../schemas';
import type { ImportRecord } from './records';
import type { RowError, ValidRow } from './validate';

export type ImportMode = 'insert' | 'upsert';

/** What a batch did: rows created or updated, and the errors of those it could not apply. */
export interface BatchOutcome {
  created: number;
  updated: number;
  errors: RowError[];
}

interface BatchContext {
  db: Database;
  principal: Principal;
  mode: ImportMode;
  dryRun: boolean;
  /** Carried by every event the import writes, so webhooks and streams can tell an import's users apart. */
  jobId?: string;
}

/**
 * Applies one batch of valid rows. Insert mode writes the whole batch in one transaction with one statement per
 * table (rows whose email or externalId exists are skipped by ON CONFLICT and reported); upsert mode gives each row
 * its own transaction, since each may update a different existing user. Either way a row is all or nothing: its
 * user, password hash, membership and events together. A dry run reads what exists and writes nothing.
 */
export async function applyBatch(ctx: BatchContext, rows: ValidRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { created: 0, updated: 0, errors: [] };
  const known = await existingOrganizations(ctx.db, rows);
  const ready = rows.filter((row) => {
    const organizationId = row.record.organizationId;
    if (!organizationId || known.has(organizationId)) return true;
    outcome.errors.push({ line: row.line, field: 'organizationId', code: 'not_found', detail: 'No organization has this id.' });
    return false;
  });
  if (ctx.dryRun) return dryRun(ctx, ready, outcome);
  if (ctx.mode === 'insert') {
    const inserted = await ctx.db.transaction((tx) => insertRows(tx, ctx, ready));
    for (const row of ready) {
      if (inserted.has(row.line)) outcome.created += 1;
      else outcome.errors.push(duplicate(row));
    }
    return outcome;
  }
  for (const row of ready) await upsertRow(ctx, row, outcome);
  return outcome;
}

const duplicate = (row: ValidRow): RowError => ({
  line: row.line,
  field: 'email',
  code: 'duplicate',
  detail: row.record.externalId ? 'A user with this email or externalId exists.' : 'A user with this email exists.',
});

async function existingOrganizations(db: Database, rows: ValidRow[]): Promise<Set<string>> {
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
      else outcome.updated += 1;
    } else if (match || (ctx.mode === 'insert' && keys.some((key) => seen.has(key)))) outcome.errors.push(duplicate(row));
    else outcome.created += 1;
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
 * within the batch too), with their password hashes, memberships and events. Returns the lines it inserted.
 */
async function insertRows(tx: Transaction, ctx: BatchContext, rows: ValidRow[]): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const lineOf = new Map<string, ValidRow>();
  const values = rows.map((row) => {
    const { record } = row;
    const id = uuidv7();
    lineOf.set(id, row);
    const createdAt = record.createdAt ? new Date(record.createdAt) : undefined;
    return {
      id,
      email: record.email,
      name: record.name ?? record.email.split('@')[0]!,
      role: record.role,
      emailVerified: record.emailVerified,
      externalId: record.externalId ?? null,
      metadata: record.metadata ?? {},
      ...(createdAt ? { createdAt, updatedAt: createdAt } : {}),
    };
  });
  const inserted = await tx.insert(users).values(values).onConflictDoNothing().returning();
  if (inserted.length === 0) return new Set();
  const withHash = inserted.flatMap((user) => {
    const hash = lineOf.get(user.id)!.record.passwordHash;
    return hash ? [{ id: uuidv7(), userId: user.id, accountId: user.id, providerId: 'credential', password: hash }] : [];
  });
  if (withHash.length) await tx.insert(accounts).values(withHash);
  const events: NewEvent[] = inserted.map((user) => createdEvent(user, ctx.jobId));
  events.push(...(await addMemberships(tx, inserted.flatMap((user) => membershipOf(user, lineOf.get(user.id)!.record)), ctx.jobId)));
  await recordEvents(tx, ctx.principal, events);
  return new Set(inserted.map((user) => lineOf.get(user.id)!.line));
}

const createdEvent = (user: UserRow, jobId: string | undefined): NewEvent => ({
  type: 'user.created',
  subject: { type: 'user', id: user.id },
  changes: diffFields(undefined, user, [...userFields, 'plan']),
  data: { user: toUserDto(user), ...(jobId ? { jobId } : {}) },
});

const membershipOf = (user: UserRow, record: ImportRecord) =>
  record.organizationId ? [{ user, organizationId: record.organizationId, role: record.organizationRole ?? 'member' }] : [];

/** Memberships not there yet, with their member.added events (one already there is left as it is). */
async function addMemberships(tx: Transaction, wanted: ReturnType<typeof membershipOf>, jobId: string | undefined): Promise<NewEvent[]> {
  if (wanted.length === 0) return [];
  const added = await tx
    .insert(organizationMembers)
    .values(wanted.map(({ user, organizationId, role }) => ({ organizationId, userId: user.id, role })))
    .onConflictDoNothing()
    .returning();
  const userOf = new Map(wanted.map(({ user }) => [user.id, user]));
  return added.map((member) => {
    const user = userOf.get(member.userId)!;
    const event = memberEventOf('member.added', { ...member, email: user.email, name: user.name }, { role: { before: null, after: member.role } });
    return jobId ? { ...event, data: { ...event.data, jobId } } : event;
  });
}

/** One row of an upsert, in its own transaction: the user it names updated, or a new one inserted. */
async function upsertRow(ctx: BatchContext, row: ValidRow, outcome: BatchOutcome): Promise<void> {
  try {
    const result = await ctx.db.transaction(async (tx) => {
      const current = matchOf(await existingUsers(tx, [row], true), row.record);
      if (!current) return (await insertRows(tx, ctx, [row])).size ? 'created' : duplicate(row);
      const refused = refusedChange(ctx.principal, current, row);
      if (refused) return refused;
      await updateRow(tx, ctx, current, row.record);
      return 'updated';
    });
    if (result === 'created') outcome.created += 1;
    else if (result === 'updated') outcome.updated += 1;
    else outcome.errors.push(result);
  } catch (error) {
    // Another row's email or externalId (or a concurrent writer's): this row alone is refused.
    if (postgresErrorCode(error) !== UNIQUE_VIOLATION) throw error;
    outcome.errors.push(duplicate(row));
  }
}

async function updateRow(tx: Transaction, ctx: BatchContext, current: UserRow, record: ImportRecord): Promise<void> {
  const changes = {
    email: record.email,
    name: record.name ?? current.name,
    role: record.role,
    emailVerified: record.emailVerified,
    externalId: record.externalId ?? current.externalId,
    // A jsonb value is a new object on every read: only a different one is a change.
    ...(record.metadata && JSON.stringify(record.metadata) !== JSON.stringify(current.metadata) ? { metadata: record.metadata } : {}),
  };
  const row = await applyUserChanges(tx, ctx.principal, current, changes, 'user.updated');
  if (record.passwordHash) {
    const [account] = await tx
      .update(accounts)
      .set({ password: record.passwordHash, updatedAt: new Date() })
      .where(and(eq(accounts.userId, row.id), eq(accounts.providerId, 'credential')))
      .returning({ id: accounts.id });
    if (!account) await tx.insert(accounts).values({ id: uuidv7(), userId: row.id, accountId: row.id, providerId: 'credential', password: record.passwordHash });
  }
  const events = await addMemberships(tx, membershipOf(row, record), ctx.jobId);
  if (events.length) await recordEvents(tx, ctx.principal, events);
}

