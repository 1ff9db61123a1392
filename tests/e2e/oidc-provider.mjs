// A real OpenID Provider on loopback for the end-to-end tests (tests/e2e/oauth.spec.ts), built on `oidc-provider`.
// Started by playwright.config.ts as a webServer: `node tests/e2e/oidc-provider.mjs`.
//
// - Issuer http://127.0.0.1:3101 (OIDC_E2E_PORT / OIDC_E2E_ISSUER override it).
// - One confidential client, `roster-e2e` / `roster-e2e-secret`, allowed to redirect only to Better Auth's exact
//   callback for Roster at ROSTER_BASE_URL (http://127.0.0.1:3100): `/api/auth/callback/oidc`. Authorization code
//   grant, PKCE (S256) required, client_secret_post at the token endpoint (Better Auth's default).
// - The development login form (devInteractions, enabled regardless of NODE_ENV): whatever is typed as the login is
//   the account's email, any password is accepted, and the account's claims are
//   { sub: <email>, email: <email>, email_verified: true, name }. Consent is granted implicitly: the client is
//   first-party, so the login form is the only page a test sees.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_E2E_PORT ?? 3101);
const issuer = process.env.OIDC_E2E_ISSUER ?? `http://127.0.0.1:${port}`;
const rosterBaseUrl = (process.env.ROSTER_BASE_URL ?? 'http://127.0.0.1:3100').replace(/\/$/, '');
const redirectUri = `${rosterBaseUrl}/api/auth/callback/oidc`;

// A fresh signing key per run: Roster fetches it from jwks_uri to verify ID tokens.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'roster-e2e-rs256', alg: 'RS256', use: 'sig' };

/** The display name for a login: "ada.lovelace@example.com" → "Ada Lovelace". */
const nameFor = (email) =>
  email
    .split('@')[0]
    .split(/[._-]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join(' ') || email;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'roster-e2e',
      client_secret: 'roster-e2e-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['roster-e2e-oidc-cookie-signing-key'] },
  // Only authorization requests with an S256 code_challenge are accepted, even from this confidential client.
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: {
    devInteractions: { enabled: true },
  },
  async findAccount(_ctx, id) {
    const email = String(id).trim();
    if (!email.includes('@')) return undefined;
    return {
      accountId: email,
      async claims() {
        return { sub: email, email, email_verified: true, name: nameFor(email) };
      },
    };
  },
  // First-party client: grant the requested OIDC scopes without a consent page.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>OIDC error</title><h1>${escape(out.error)}</h1><p>${escape(out.error_description)}</p>`;
  },
});

// Log what the provider refused, so a failing test's webServer stderr says why.
for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'server_error']) {
  provider.on(event, (_ctx, error) => console.error(`[oidc-provider] ${event}: ${error?.message ?? error}${error?.error_description ? ` (${error.error_description})` : ''}`));
}

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening: ${issuer}/.well-known/openid-configuration (redirect_uri ${redirectUri})`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
