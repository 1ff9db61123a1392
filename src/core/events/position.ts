import 'server-only';

/**
 * A place in the event log: the number an event was given when its transaction committed. Positions grow in commit
 * order, so "everything after 41" is always complete; a position may be skipped (a commit that failed), never
 * filled in late.
 */
export type Position = number;

/** Before every event: reading "after the start" reads the whole retained log. */
export const logStart: Position = 0;

/** Null for anything that is not a position this log could have written (resume tokens come from clients). */
export function parsePosition(value: string): Position | null {
  if (!/^\d{1,15}$/.test(value.trim())) return null;
  return Number(value);
}
