import { defineConfig } from '@playwright/test';
import { idpOrigin as oidcIssuer, idpPort as oidcPort, mailHttpOrigin, mailSmtpPort, mailSmtpUrl, rosterOrigin as baseURL, rosterPort as port } from './tests/e2e/origins';
import { serverNodeFlags } from './scripts/server-node-flags.mjs';
import { ownerEmail, ownerPassword, ownerStorageState } from './tests/e2e/owner';

/**
 * End-to-end tests against the production build, served as `npm start` serves it, on a fresh embedded
 * database in `.e2e-data/` (gitignored). Runs on the system Chromium: no browser downloads.
 */
export default defineConfig({
  testDir: './tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: 'list',
  // Hang guards, not speed checks: a long test on a loaded 2-core machine (load 17 seen) took over 30 s.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    {
      // Signs in as the owner (ROSTER_OWNER_EMAIL below) through the sign-in page and keeps the session for the
      // other projects. Specs that test signing in start from an empty state of their own.
      name: 'setup',
      testMatch: '**/auth.setup.ts',
    },
    {
      name: 'js',
      testMatch: '**/*.spec.ts',
      testIgnore: '**/*-no-js.spec.ts',
      dependencies: ['setup'],
      use: { javaScriptEnabled: true, storageState: ownerStorageState },
    },
    {
      name: 'no-js',
      // The account-lifecycle flows and the Import users page run in both projects.
      testMatch: ['**/*-no-js.spec.ts', '**/account-lifecycle.spec.ts', '**/users-import.spec.ts'],
      dependencies: ['setup'],
      use: { javaScriptEnabled: false, storageState: ownerStorageState },
    },
  ],
  webServer: [
    {
      // A real OpenID Provider on loopback for single sign-on: client roster-e2e, redirect URI Roster's
      // /api/auth/callback/oidc at ROSTER_BASE_URL, dev login form where the login typed is the email. Started
      // first, so Roster's discovery at start finds it.
      command: 'node tests/e2e/oidc-provider.mjs',
      url: `${oidcIssuer}/.well-known/openid-configuration`,
      timeout: 30_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
      stderr: 'pipe',
      env: { OIDC_E2E_PORT: String(oidcPort), OIDC_E2E_ISSUER: oidcIssuer, ROSTER_BASE_URL: baseURL },
    },
    {
      // A real SMTP server (STARTTLS + AUTH) that Roster sends every email to; the tests read what arrived over HTTP
      // (tests/e2e/mail.ts) and follow the links in it.
      command: 'node tests/e2e/mail-catcher.mjs',
      url: `${mailHttpOrigin}/health`,
      timeout: 30_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
      stderr: 'pipe',
      env: { MAIL_E2E_SMTP_PORT: String(mailSmtpPort), MAIL_E2E_HTTP_PORT: new URL(mailHttpOrigin).port },
    },
    {
      // What `npm start` runs: a build if the sources are newer than it, then scripts/server.mjs.
      command: `rm -rf .e2e-data && exec node ${serverNodeFlags.join(' ')} scripts/start.mjs -p ${port}`,
      url: `${baseURL}/api/health`,
      timeout: 240_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
      stderr: 'pipe',
      env: {
        ROSTER_DATA_DIR: '.e2e-data/db',
        // Always the embedded database, even if the shell points DATABASE_URL at a PostgreSQL server.
        DATABASE_URL: '',
        LOG_LEVEL: 'warn',
        NEXT_TELEMETRY_DISABLED: '1',
        // Stripe webhooks: tests/e2e/stripe.ts signs with the same secret. These prices map to plans; any other fails.
        STRIPE_WEBHOOK_SECRET: 'whsec_roster_e2e_secret',
        ROSTER_STRIPE_PLANS: 'price_pro_monthly:pro,price_team_monthly:team',
        // Fresh events are processed by the route's after(), which also expires the console's cache tags. Keep the
        // sweeper (it can't expire tags) from picking them up first; no test here relies on automatic retries.
        ROSTER_WEBHOOK_SWEEP_MS: '3600000',
        // OAuth redirect URIs, cookies and JWT iss/aud derive from it; the provider registers its callback for it.
        ROSTER_BASE_URL: baseURL,
        // Single sign-on against the OpenID Provider below (tests/e2e/oidc-provider.mjs, tests/e2e/oauth.spec.ts).
        ROSTER_OIDC_ISSUER: oidcIssuer,
        ROSTER_OIDC_CLIENT_ID: 'roster-e2e',
        ROSTER_OIDC_CLIENT_SECRET: 'roster-e2e-secret',
        ROSTER_OIDC_NAME: 'Test IdP',
        // The owner Roster creates at start; tests/e2e/auth.setup.ts signs in as them.
        ROSTER_OWNER_EMAIL: ownerEmail,
        ROSTER_OWNER_PASSWORD: ownerPassword,
        // Fixed, so sessions don't depend on a secret file in .e2e-data (32+ characters).
        ROSTER_AUTH_SECRET: 'roster-e2e-auth-secret-0123456789abcdef',
        // Outgoing webhooks go to receivers the tests start on loopback (never set this in production).
        ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS: '1',
        // Every test signs in from the same address: keep the per-IP limit out of the way (per account stays).
        ROSTER_AUTH_RATE_LIMIT_IP: '1000/60',
        ROSTER_MAIL_RATE_LIMIT_IP: '1000/3600',
        // Email goes to the test mail server above, over STARTTLS with AUTH; the mailer looks for queued mail often.
        ROSTER_SMTP_URL: mailSmtpUrl,
        ROSTER_MAIL_FROM: 'Roster E2E <roster@e2e.test>',
        ROSTER_MAIL_POLL_MS: '200',
      },
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
  ],
});
