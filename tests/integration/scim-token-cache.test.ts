import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { EventFeed } from '@/core/events';
import { authenticateScimToken, createScimConnection, revokeScimConnection, rotateScimToken } from '@/core/scim';
import { processScimTokenCache, ScimTokenCache, TOKEN_CACHE_TTL_MS, type CachedToken } from '@/core/scim/token-cache';
import { scimTokens } from '@/db/schema';
import { forgetScimTokensOnEvents } from '@/server/scim-token-events';
import { describeEachDatabase } from '../support/database';
import { seedOrganization } from '../support/organizations';
import { insertUser, systemPrincipal } from '../support/principals';

// SCIM tokens are remembered for a few seconds per process, so an identity provider's burst of requests skips the
// lookup; revoking or rotating must still end a token at once on the instance that did it, and on every other
// instance as soon as the event reaches it (within the cache's lifetime at the latest).

const scope = { connectionId: 'c', organizationId: 'o', passwordSetup: 'none' as const };
const entry = (expiresAt: Date | null = null): CachedToken => ({ scope, tokenId: 't', expiresAt, lastUsedAt: null });

describe('the token cache', () => {
  it('keeps a token for its lifetime, never past the token’s own expiry', () => {
    let now = 1_000_000;
    const cache = new ScimTokenCache(5_000, () => now);
    cache.set('a', entry(), cache.startLookup());
    cache.set('b', entry(new Date(now + 2_000)), cache.startLookup());
    now += 1_999;
    expect(cache.get('a')?.scope).toEqual(scope);
    expect(cache.get('b')?.scope).toEqual(scope);
    now += 1;
    expect(cache.get('b')).toBeUndefined();
    now += 2_999;
    expect(cache.get('a')?.scope).toEqual(scope);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('a lookup that started before a forget does not store its answer', () => {
    const cache = new ScimTokenCache();
    const lookup = cache.startLookup();
    cache.forget();
    cache.set('a', entry(), lookup);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', entry(), cache.startLookup());
    expect(cache.get('a')).toBeDefined();
  });
});

describeEachDatabase('SCIM token lookups through the cache', (database, handle) => {
  async function makeConnection() {
    const maker = await insertUser(database(), 'member');
    const organization = await seedOrganization(database(), 'cache-acme', maker.id);
    const ctx = { db: database(), principal: systemPrincipal() };
    const made = await createScimConnection(ctx, organization.id, { name: 'Okta' });
    return { ctx, organization, connection: made.connection, header: `Bearer ${made.token}` };
  }

  it('a token found valid is not looked up again while it is remembered', async () => {
    const { header, connection } = await makeConnection();
    const cache = new ScimTokenCache();
    expect(await authenticateScimToken(database(), header, cache)).toMatchObject({ connectionId: connection.id });
    // Changed behind Roster's back (no revocation, no event): the remembered answer still holds…
    await database().update(scimTokens).set({ revokedAt: new Date() }).where(eq(scimTokens.connectionId, connection.id));
    expect(await authenticateScimToken(database(), header, cache)).toMatchObject({ connectionId: connection.id });
    // …until it is forgotten.
    cache.forget();
    expect(await authenticateScimToken(database(), header, cache)).toBeNull();
  });

  it('revoking refuses the token at once on this instance; a rotation ends the token it supersedes at once', async () => {
    const { ctx, organization, connection, header } = await makeConnection();
    const first = await rotateScimToken(ctx, organization.id, connection.id);
    expect(await authenticateScimToken(database(), header)).not.toBeNull();
    expect(await authenticateScimToken(database(), `Bearer ${first.token}`)).not.toBeNull();
    // The second rotation revokes the original token (superseded by the first rotation) at once.
    await rotateScimToken(ctx, organization.id, connection.id);
    expect(await authenticateScimToken(database(), header)).toBeNull();
    expect(await authenticateScimToken(database(), `Bearer ${first.token}`)).not.toBeNull();
    await revokeScimConnection(ctx, organization.id, connection.id);
    expect(await authenticateScimToken(database(), `Bearer ${first.token}`)).toBeNull();
  });

  it('another instance refuses a revoked token once the event reaches it, within the cache lifetime', async () => {
    const { ctx, organization, connection, header } = await makeConnection();
    // The other instance: a cache of its own, following the log through a feed of its own.
    const otherCache = new ScimTokenCache();
    const feed = await EventFeed.start(handle(), { pollMs: 100 });
    const stop = forgetScimTokensOnEvents(feed, otherCache);
    try {
      expect(await authenticateScimToken(database(), header, otherCache)).not.toBeNull();
      await revokeScimConnection(ctx, organization.id, connection.id);
      await vi.waitFor(async () => expect(await authenticateScimToken(database(), header, otherCache)).toBeNull(), { timeout: TOKEN_CACHE_TTL_MS, interval: 20 });
    } finally {
      stop();
      await feed.close();
    }
  });

  it('an instance that misses the event stops honouring the token once its memory of it expires', async () => {
    const { ctx, organization, connection, header } = await makeConnection();
    let now = Date.now();
    const deafCache = new ScimTokenCache(TOKEN_CACHE_TTL_MS, () => now);
    expect(await authenticateScimToken(database(), header, deafCache)).not.toBeNull();
    await revokeScimConnection(ctx, organization.id, connection.id);
    now += TOKEN_CACHE_TTL_MS;
    expect(await authenticateScimToken(database(), header, deafCache)).toBeNull();
  });

  it('the process cache is the default one', async () => {
    const { header } = await makeConnection();
    processScimTokenCache().forget();
    expect(await authenticateScimToken(database(), header)).not.toBeNull();
    await database().update(scimTokens).set({ revokedAt: new Date() });
    expect(await authenticateScimToken(database(), header)).not.toBeNull();
    processScimTokenCache().forget();
    expect(await authenticateScimToken(database(), header)).toBeNull();
  });
});
