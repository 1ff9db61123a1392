export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    // First, so that requests are stamped with their peer address as early as possible; and a bad
    // ROSTER_TRUSTED_PROXIES stops the server here rather than failing every sign-in.
    const { stampPeerAddresses } = await import('@/server/peer-address-ingress');
    const { trustedProxies } = await import('@/http/request-client-ip');
    trustedProxies();
    // Likewise a bad ROSTER_SIGN_UP: a start error, not a sign-up policy nobody meant.
    const { signUpPolicy } = await import('@/auth/config');
    signUpPolicy();
    stampPeerAddresses();
    const { onServerStart } = await import('@/server/on-start');
    await onServerStart();
    const { expireCacheOnEvents } = await import('@/server/cache-tags');
    expireCacheOnEvents();
    const { followScimTokenEvents } = await import('@/server/scim-token-events');
    followScimTokenEvents();
  }
}
