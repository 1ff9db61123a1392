import { defineConfig } from '@playwright/test';

const port = 3100;
const baseURL = `http://127.0.0.1:${port}`;

/**
 * End-to-end tests against the production build (`next build` + `next start`) on a fresh embedded
 * database in `.e2e-data/` (gitignored). Runs on the system Chromium: no browser downloads.
 */
export default defineConfig({
  testDir: './tests/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
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
      name: 'js',
      testMatch: '**/*.spec.ts',
      testIgnore: '**/*-no-js.spec.ts',
      use: { javaScriptEnabled: true },
    },
    {
      name: 'no-js',
      testMatch: '**/*-no-js.spec.ts',
      use: { javaScriptEnabled: false },
    },
  ],
  webServer: {
    command: `rm -rf .e2e-data && npx next build && npx next start -p ${port}`,
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
      // Roster closes its database itself on SIGTERM (src/server/on-start.ts), as `npm start` arranges.
      NEXT_MANUAL_SIG_HANDLE: 'true',
      // Stripe webhooks: tests/e2e/stripe.ts signs with the same secret. These prices map to plans; any other fails.
      STRIPE_WEBHOOK_SECRET: 'whsec_roster_e2e_secret',
      ROSTER_STRIPE_PLANS: 'price_pro_monthly:pro,price_team_monthly:team',
      // Fresh events are processed by the route's after(), which also expires the console's cache tags. Keep the
      // sweeper (it can't expire tags) from picking them up first; no test here relies on automatic retries.
      ROSTER_WEBHOOK_SWEEP_MS: '3600000',
    },
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
