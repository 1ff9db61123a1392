import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/db/client';
import { externalIdentities, users } from '@/db/schema';
import { recordEvent } from '../events';
import { toUserDto } from '../users/dto';

/** What a verified token of a trusted external issuer (ROSTER_JWT_ISSUER) says about whom it speaks for. */
export interface ExternalClaims {
  issuer: string;
  /** `sub`: the issuer's own, stable id of the person. */
  subject: string;
  /** `email` and `email_verified`, as the token has them (any type: they come from outside). */
  email?: unknown;
  emailVerified?: unknown;
  /** Where the token came from (the caller's IP, as the per-IP limits see it), for the audit trail. */
  clientIp: string | null;
}

const linkedUserId = async (db: Pick<Transaction, 'select'>, { issuer, subject }: ExternalClaims): Promise<string | null> => {
  const [link] = await db
    .select({ userId: externalIdentities.userId })
    .from(externalIdentities)
    .where(and(eq(externalIdentities.issuer, issuer), eq(externalIdentities.subject, subject)));
  return link?.userId ?? null;
};

/**
 * The Roster user an external issuer's subject stands for, or null for nobody. A subject seen before maps through
 * its stored link, whatever the token's email says. A new one is linked by email only when the issuer vouches for
 * the address (`email_verified: true`) and so does Roster (the user's own address is verified, so nobody can claim
 * an address in Roster first and wait for its owner's tokens), and only to a user not yet linked to another subject
 * of that issuer. The link is stored and audited as the user's, so later tokens map by subject alone.
 */
export async function userIdForExternalSubject(db: Database, claims: ExternalClaims): Promise<string | null> {
  const linked = await linkedUserId(db, claims);
  if (linked || claims.emailVerified !== true || typeof claims.email !== 'string') return linked;
  const email = claims.email.toLowerCase();
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(and(sql`lower(${users.email}) = ${email}`, eq(users.emailVerified, true)));
    if (!user) return null;
    const stored = await tx
      .insert(externalIdentities)
      .values({ issuer: claims.issuer, subject: claims.subject, userId: user.id })
      .onConflictDoNothing()
      .returning({ userId: externalIdentities.userId });
    // Nothing stored: the subject was linked meanwhile (fine if to this user), or the user has another subject.
    if (stored.length === 0) return (await linkedUserId(tx, claims)) === user.id ? user.id : null;
    await recordEvent(tx, { kind: 'user', door: 'api', userId: user.id, role: user.role }, {
      type: 'user.external-identity-linked',
      subject: { type: 'user', id: user.id },
      changes: {},
      data: { user: toUserDto(user), issuer: claims.issuer, externalSubject: claims.subject, clientIp: claims.clientIp },
    });
    return user.id;
  });
}
