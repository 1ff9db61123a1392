import 'server-only';
import { z } from 'zod';

export const PAGE_LIMIT_MAX = 100;

/** The `limit` of a keyset page: a whole number from 1 to 100, 50 when not given. */
export const pageLimit = z.coerce
  .number({ error: 'Limit must be a number' })
  .int('Limit must be a whole number')
  .min(1, 'Limit must be at least 1')
  .max(PAGE_LIMIT_MAX, `Limit must be at most ${PAGE_LIMIT_MAX}`)
  .default(50)
  .meta({ format: 'int32' });

/** A cursor token of at most `max` characters (keyset-cursor.ts's base64url body and checksum). */
export const cursorToken = (max: number) => z.string().max(max, 'Invalid cursor').regex(/^[A-Za-z0-9_.-]*$/, 'Invalid cursor').optional();

/** The `cursor` of a keyset page: the `nextCursor` the page before it returned. */
export const pageCursor = cursorToken(200);
