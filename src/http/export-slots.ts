import 'server-only';
import { HttpProblem } from './problem';

// On PostgreSQL each export holds one pool connection for as long as its client reads: without a cap, a few slow
// downloads would take every connection the rest of the server needs, and one caller could take every export slot.
// On globalThis: Next bundles each export route apart, and the caps are the server's, not a route's.
const globalForExports = globalThis as unknown as { rosterExportSlots?: { total: number; byCaller: Map<string, number> } };
const slots = (globalForExports.rosterExportSlots ??= { total: 0, byCaller: new Map() });

const retryAfter = { 'Retry-After': '5' };

/**
 * Takes one of the server's export slots for `caller`, or throws: 429 past ROSTER_EXPORTS_PER_CALLER of the caller's
 * own, 503 past ROSTER_EXPORTS_AT_ONCE in all (both with Retry-After). Returns the release, which may be called more
 * than once.
 */
export function takeExportSlot(caller: string): () => void {
  const perCaller = Number(process.env.ROSTER_EXPORTS_PER_CALLER ?? 2);
  const atOnce = Number(process.env.ROSTER_EXPORTS_AT_ONCE ?? 3);
  const callerCount = slots.byCaller.get(caller) ?? 0;
  if (callerCount >= perCaller) {
    throw new HttpProblem(429, 'too-many-exports', 'Too Many Requests', `At most ${perCaller} exports at once per caller; retry when one has finished.`, retryAfter);
  }
  if (slots.total >= atOnce) {
    throw new HttpProblem(503, 'export-capacity', 'Service Unavailable', `This server runs at most ${atOnce} exports at once; retry shortly.`, retryAfter);
  }
  slots.total += 1;
  slots.byCaller.set(caller, callerCount + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    slots.total -= 1;
    const left = slots.byCaller.get(caller)! - 1;
    if (left === 0) slots.byCaller.delete(caller);
    else slots.byCaller.set(caller, left);
  };
}
