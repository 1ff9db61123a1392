import 'server-only';
import { and, asc, gt, inArray, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { users, type UserRow } from '@/db/schema';
import { authorize, authorizeAccountChange } from '../authorization';
import { DomainError } from '../errors';
import { int32, uuid } from '../bounds';
import { createJob, defineJobKind, type JobSummaryDto } from '../jobs';
import type { CoreContext, Principal } from '../principal';
import { parseInput } from '../validation';
import { sendPasswordReset } from './account-emails';
import { deleteUser, updateUser } from './commands';
import { signOutEverywhere } from './sessions';
import { role, userFilterQuery, type Role, type UserFilter } from './schemas';
import { userFilterConditions } from './queries';

export const bulkActions = ['suspend', 'unsuspend', 'set-role', 'delete', 'sign-out', 'send-password-reset'] as const;
export type BulkAction = (typeof bulkActions)[number];
/** A request naming users one by one names at most this many (the console's page is 100); a filter has no limit. */
export const BULK_IDS_MAX = 1_000;
/** A dry run lists at most this many skips (it counts them all). */
const SKIPS_LISTED_MAX = 100;
const CHUNK_SIZE = 100;

export const bulkUsersInput = z
  .strictObject({
    action: z.enum(bulkActions, { error: `Action must be one of: ${bulkActions.join(', ')}` }),
    ids: z.array(z.uuid('Each id must be a user id').max(36)).min(1, 'Name at least one user').max(BULK_IDS_MAX, `At most ${BULK_IDS_MAX} ids; use a filter for more`).optional(),
    filter: userFilterQuery.strict().optional(),
    role: role.optional(),
    dryRun: z.boolean().optional(),
  })
  .refine((input) => (input.ids === undefined) !== (input.filter === undefined), { message: 'Give either ids or a filter', path: ['ids'] })
  .refine((input) => (input.action === 'set-role') === (input.role !== undefined), { message: 'A role goes with set-role, and only with it', path: ['role'] });
export type BulkUsersInput = z.input<typeof bulkUsersInput>;

/** What a bulk action would do: how many users it names, and which of them it would skip and why. */
export const bulkPreview = z.strictObject({
  action: z.enum(bulkActions),
  matched: int32(0),
  willApply: int32(0),
  skippedCount: int32(0),
  /** The first 100 skips, in id order. */
  skipped: z.array(z.strictObject({ userId: uuid(), code: z.string().max(64), detail: z.string().max(1_000) })).max(SKIPS_LISTED_MAX),
});
export type BulkPreview = z.infer<typeof bulkPreview>;

/**
 * The job's parameters: the users as ids, or as a filter over those created by `before` (users created after the
 * request are not swept in). Resumes by id order after the cursor.
 */
const bulkParams = z.strictObject({
  action: z.enum(bulkActions),
  role: role.optional(),
  ids: z.array(z.uuid()).optional(),
  filter: userFilterQuery.optional(),
  before: z.iso.datetime(),
});
type BulkParams = z.output<typeof bulkParams>;

export const bulkUsersJob = defineJobKind({
  name: 'users.bulk',
  params: bulkParams,
  async runChunk(chunk) {
    const after = chunk.cursor as string | null;
    const rows = await targets(chunk.tx, chunk.params, after, CHUNK_SIZE);
    const ctx = { principal: chunk.principal };
    for (const row of rows) {
      await chunk.item({ userId: row.id }, (tx) => applyAction({ ...ctx, db: tx }, chunk.params, row.id));
    }
    // Ids that no longer exist are reported once, at the end, as not found.
    if (rows.length < CHUNK_SIZE && chunk.params.ids) {
      const found = new Set((await chunk.tx.select({ id: users.id }).from(users).where(inArray(users.id, chunk.params.ids))).map((row) => row.id));
      for (const id of chunk.params.ids.filter((id) => !found.has(id) && (after === null || id > after))) {
        await chunk.reject({ userId: id }, [{ code: 'not_found', detail: 'User not found' }]);
      }
    }
    return { cursor: rows.at(-1)?.id ?? after ?? '', done: rows.length < CHUNK_SIZE };
  },
});

/**
 * Starts a bulk action as a job (202), or with `dryRun` says what it would do (200): the same authorization rules as
 * the single-user actions decide, per user, when the job runs.
 */
export async function startBulkUsers(ctx: CoreContext, rawInput: unknown): Promise<{ job: JobSummaryDto } | { preview: BulkPreview }> {
  authorize(ctx.principal, 'users:write');
  const input = parseInput(bulkUsersInput, rawInput);
  const params: BulkParams = { action: input.action, role: input.role, ids: input.ids ? [...new Set(input.ids)].sort() : undefined, filter: input.filter, before: new Date().toISOString() };
  if (input.dryRun) return { preview: await previewBulk(ctx, params) };
  const total = params.ids?.length ?? (await countTargets(ctx, params));
  return { job: await ctx.db.transaction((tx) => createJob(tx, ctx.principal, bulkUsersJob, { params, total })) };
}

/** The users a bulk action names, in id order after `after`. */
function targets(db: CoreContext['db'], params: BulkParams, after: string | null, limit: number): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(and(targetConditions(params), after ? gt(users.id, after) : undefined))
    .orderBy(asc(users.id))
    .limit(limit);
}

function targetConditions(params: BulkParams) {
  if (params.ids) return inArray(users.id, params.ids);
  return and(...userFilterConditions(params.filter ?? ({} as UserFilter)), lte(users.createdAt, new Date(params.before)));
}

async function countTargets(ctx: CoreContext, params: BulkParams): Promise<number> {
  const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(users).where(targetConditions(params));
  return row!.n;
}

async function previewBulk(ctx: CoreContext, params: BulkParams): Promise<BulkPreview> {
  const rows = await ctx.db.select({ id: users.id, role: users.role, status: users.status }).from(users).where(targetConditions(params)).orderBy(asc(users.id));
  const skipped: BulkPreview['skipped'] = [];
  let skippedCount = 0;
  const skip = (userId: string, code: string, detail: string) => {
    skippedCount += 1;
    if (skipped.length < SKIPS_LISTED_MAX) skipped.push({ userId, code, detail });
  };
  const found = new Set(rows.map((row) => row.id));
  for (const id of params.ids ?? []) if (!found.has(id)) skip(id, 'not_found', 'User not found');
  for (const row of rows) {
    const refusal = refusalFor(ctx.principal, params, row);
    if (refusal) skip(row.id, refusal.code, refusal.message);
  }
  const matched = rows.length + (params.ids ? params.ids.length - rows.length : 0);
  return { action: params.action, matched, willApply: matched - skippedCount, skippedCount, skipped };
}

/** Why the single-user rules would refuse this user, if they would (what a dry run and the confirmation page say). */
function refusalFor(principal: Principal, params: BulkParams, user: { role: Role; status: string }): DomainError | null {
  const after = params.action === 'delete' ? null : params.action === 'set-role' ? params.role! : user.role;
  try {
    authorizeAccountChange(principal, user.role, after);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  return null;
}

/** One user, through the same use cases as the single-user actions (their authorization, invariants and events). */
async function applyAction(ctx: CoreContext, params: BulkParams, id: string): Promise<void> {
  switch (params.action) {
    case 'suspend':
      return void (await updateUser(ctx, id, { status: 'suspended' }));
    case 'unsuspend':
      return void (await updateUser(ctx, id, { status: 'active' }));
    case 'set-role':
      return void (await updateUser(ctx, id, { role: params.role }));
    case 'delete':
      return deleteUser(ctx, id);
    case 'sign-out':
      return void (await signOutEverywhere(ctx, id));
    case 'send-password-reset':
      return sendPasswordReset(ctx, id);
  }
}
