import 'server-only';
import type { Database } from '@/db/client';

/** The way a request came in; recorded on every audit event. */
export type Door = 'console' | 'api' | 'cli' | 'webhook';

/**
 * Who is acting. Identity arrives with the auth work; until then every door acts anonymously,
 * and the shape is already threaded through every use case so that work only adds variants.
 */
export type Principal = { kind: 'anonymous'; door: Door } | { kind: 'system'; door: Door; name: string };

/** What every use case receives: where to read and write, and on whose behalf. */
export interface CoreContext {
  db: Database;
  principal: Principal;
}

export function actorOf(principal: Principal): string {
  return principal.kind === 'system' ? `system:${principal.name}` : 'anonymous';
}
