import 'server-only';
import type { ScimScope } from './auth';

/**
 * How long a process trusts a token it looked up without looking again: the bound on how long another instance may
 * still honour a token after it was revoked or rotated out, should that instance miss the event that says so (see
 * docs/scim.md, "Token lookups").
 */
export const TOKEN_CACHE_TTL_MS = 5_000;

/** Past this many tokens the cache starts over rather than grow (a token is cached only once it proved valid). */
const MAX_ENTRIES = 10_000;

/** What a valid token's lookup found: the request's scope, and what decides when the token stops working. */
export interface CachedToken {
  scope: ScimScope;
  tokenId: string;
  /** Set during a rotation's overlap: the token stops working then, cached or not. */
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

export interface Lookup {
  forgets: number;
  at: number;
}

/**
 * Tokens this process found valid in the last TOKEN_CACHE_TTL_MS, by hash: an identity provider pushing users sends
 * one request after another with the same token, and each would otherwise pay a lookup. Revoking or rotating a
 * token forgets every entry (`forget`), at once on the instance that did it, and on the others when the event reaches
 * them (src/server/scim-token-events.ts). A lookup that started before a `forget` never stores its (stale) answer.
 */
export class ScimTokenCache {
  private readonly entries = new Map<string, { token: CachedToken; cachedAt: number }>();
  private forgets = 0;

  constructor(
    private readonly ttlMs = TOKEN_CACHE_TTL_MS,
    private readonly now = () => Date.now(),
  ) {}

  /** The token's cached lookup, if it is recent and the token has not expired meanwhile. */
  get(hash: string): CachedToken | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    const now = this.now();
    if (now - entry.cachedAt >= this.ttlMs || (entry.token.expiresAt && entry.token.expiresAt.getTime() <= now)) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.token;
  }

  /**
   * Marks the start of a database lookup; hand it back to `set`. Its answer is remembered from this moment (which
   * precedes any revocation the lookup missed, so nothing outlives a revocation by more than the TTL), and not at
   * all if a `forget` came in between.
   */
  startLookup(): Lookup {
    return { forgets: this.forgets, at: this.now() };
  }

  /** Keeps `token` itself: what a request later changes in it (its last use) the next request sees. */
  set(hash: string, token: CachedToken, lookup: Lookup): void {
    if (lookup.forgets !== this.forgets) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { token, cachedAt: lookup.at });
  }

  /** Every token is looked up again from now on (a connection was revoked or its token rotated). */
  forget(): void {
    this.forgets += 1;
    this.entries.clear();
  }
}

// Route handlers, Server Actions and instrumentation are separate bundles: the one cache lives on globalThis.
const globalForCache = globalThis as unknown as { rosterScimTokenCache?: ScimTokenCache };

/** This process's cache, the one every SCIM request and every revocation here uses. */
export function processScimTokenCache(): ScimTokenCache {
  return (globalForCache.rosterScimTokenCache ??= new ScimTokenCache());
}
