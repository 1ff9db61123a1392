import 'server-only';
import { z } from 'zod';

/** The `limit` of a keyset page: a whole number from 1 to 100, 50 when not given. */
export const pageLimit = z.coerce
  .number({ error: 'Limit must be a number' })
  .int('Limit must be a whole number')
  .min(1, 'Limit must be at least 1')
  .max(100, 'Limit must be at most 100')
  .default(50);

/** The `cursor` of a keyset page: the `nextCursor` the page before it returned. */
export const pageCursor = z.string().max(200, 'Invalid cursor').optional();
