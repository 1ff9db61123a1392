import { asc } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { mailOutbox } from '@/db/schema';

export interface QueuedMail {
  kind: string;
  recipient: string;
  /** The token of the Roster link the message carries (`…/<page>/<token>`), if it has one. */
  token: string | undefined;
}

/** What the outbox holds, oldest first: to whom, what kind, and the token of its link. */
export async function queuedMail(db: Database): Promise<QueuedMail[]> {
  const rows = await db.select().from(mailOutbox).orderBy(asc(mailOutbox.createdAt), asc(mailOutbox.id));
  return rows.map((row) => ({ kind: row.kind, recipient: row.recipient, token: /\/[a-z-]+\/([A-Za-z0-9_-]{43})\b/.exec(row.textBody ?? '')?.[1] }));
}
