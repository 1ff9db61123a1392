import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Transaction } from '@/db/client';
import { accountTokens, type AccountTokenRow } from '@/db/schema';
import { Conflict } from '../errors';
import { hashLinkToken, isWellFormedLinkToken, newLinkToken } from '../link-tokens';

export type TokenPurpose = AccountTokenRow['purpose'];

/** How long each kind of link works. */
export const tokenLifetimeMs: Record<TokenPurpose, number> = {
  'password-reset': 30 * 60 * 1000,
  'email-verification': 24 * 60 * 60 * 1000,
  'email-change': 24 * 60 * 60 * 1000,
};

/** Why a link can't be used, in words the person who clicked it understands. */
export class LinkUnusable extends Conflict {
  constructor(readonly state: 'used' | 'expired' | 'unknown') {
    super(
      {
        used: 'This link was already used. Links work once; ask for a new one if you need it.',
        expired: 'This link has expired. Ask for a new one.',
        unknown: 'This link is not valid. Check that you copied all of it, or ask for a new one.',
      }[state],
    );
  }
}

/** A new single-use token for `userId`; earlier unused links for the same purpose stop working. */
export async function issueAccountToken(
  tx: Transaction,
  { purpose, userId, address, now }: { purpose: TokenPurpose; userId: string; address: string; now: Date },
): Promise<string> {
  await tx
    .update(accountTokens)
    .set({ usedAt: now })
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
  const token = newLinkToken();
  await tx.insert(accountTokens).values({
    id: uuidv7(),
    purpose,
    userId,
    tokenHash: hashLinkToken(token),
    address,
    expiresAt: new Date(now.getTime() + tokenLifetimeMs[purpose]),
    createdAt: now,
  });
  return token;
}

/** Locks and spends a token in `tx`; throws LinkUnusable for a tampered, reused or expired one. */
export async function consumeAccountToken(tx: Transaction, purpose: TokenPurpose, token: unknown, now: Date): Promise<AccountTokenRow> {
  const row = await findAccountToken(tx, purpose, token, now, { lock: true });
  await tx.update(accountTokens).set({ usedAt: now }).where(eq(accountTokens.id, row.id));
  return row;
}

/** The token's row if it can still be used; throws LinkUnusable otherwise. */
export async function findAccountToken(
  tx: Pick<Transaction, 'select'>,
  purpose: TokenPurpose,
  token: unknown,
  now: Date,
  { lock = false }: { lock?: boolean } = {},
): Promise<AccountTokenRow> {
  if (!isWellFormedLinkToken(token)) throw new LinkUnusable('unknown');
  const query = tx.select().from(accountTokens).where(and(eq(accountTokens.tokenHash, hashLinkToken(token)), eq(accountTokens.purpose, purpose)));
  const [row] = lock ? await query.for('update') : await query;
  if (!row) throw new LinkUnusable('unknown');
  if (row.usedAt) throw new LinkUnusable('used');
  if (row.expiresAt <= now) throw new LinkUnusable('expired');
  return row;
}

/** Why a link can't be used, for the page it opens, or null if it still works. */
export async function accountLinkProblem(db: Pick<Transaction, 'select'>, purpose: TokenPurpose, token: unknown, now = new Date()): Promise<string | null> {
  try {
    await findAccountToken(db, purpose, token, now);
    return null;
  } catch (error) {
    if (error instanceof LinkUnusable) return error.message;
    throw error;
  }
}
