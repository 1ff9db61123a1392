import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** Files that run by themselves, after all the others (see the `alone` project below). */
const serialFiles = ['tests/integration/cluster.test.ts'];

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname, 'src'),
      // The client package's sources, as the root tsconfig maps them (its dist/ is built for packing, not for tests).
      '@roster/client': path.resolve(import.meta.dirname, 'packages/client/src/index.ts'),
      // `server-only` throws outside React Server Components; tests are a server context too.
      'server-only': path.resolve(import.meta.dirname, 'tests/support/server-only.ts'),
    },
  },
  test: {
    // Which files: the projects below (tests/e2e is Playwright's).
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Each test file gets its own in-memory embedded database through the app's own getDatabase().
    // DATABASE_URL is blanked so a developer's exported database is never the one tests truncate.
    // Tests sign in and call the API far more often than people do: the rate-limit tests set their own, lower limits.
    env: {
      ROSTER_DATA_DIR: 'memory://',
      DATABASE_URL: '',
      LOG_LEVEL: 'silent',
      ROSTER_AUTH_RATE_LIMIT_IP: '100000/60',
      ROSTER_AUTH_FAILURES_PER_IP: '100000/60',
      ROSTER_API_RATE_LIMIT: '1000000/60',
      ROSTER_ACTION_RATE_LIMIT: '1000000/60',
      // Webhook receivers in tests listen on loopback; the SSRF tests turn this off again for themselves.
      ROSTER_WEBHOOK_ALLOW_PRIVATE_NETWORKS: '1',
    },
    // Every Route Handler response the suite receives is checked against the OpenAPI document.
    // In-memory PGlite databases start from one initdb made for the whole run (tests/support/pglite-template.ts).
    setupFiles: ['tests/support/pglite-template-setup.ts', 'tests/support/contract-setup.ts'],
    globalSetup: ['tests/support/ci-services.ts', 'tests/support/build-once.ts', 'tests/support/pglite-template.ts'],
    // Hang guards, not speed checks: a loaded 2-core machine (load 13+) took over 30 s for passing tests.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        // Two files at a time: most of a file's time is spent waiting on databases, servers and subprocesses, so on
        // a 2-core machine one at a time leaves a core idle. What they share cannot collide: each file has its own
        // databases (tests/support/database.ts), the Redis test its own keys, and servers started in another process
        // get ports from their worker's own block (tests/support/ports.ts).
        extends: true,
        test: { name: 'tests', include: ['src/**/*.test.ts', 'tests/**/*.test.ts'], exclude: serialFiles, maxWorkers: 2 },
      },
      {
        // Run after the others, alone: the cluster test starts two production servers behind HAProxy, the heaviest
        // start-up in the suite, and keeps them for its whole file; beside a second file on 2 cores it only gets slower.
        extends: true,
        test: { name: 'alone', include: serialFiles, maxWorkers: 1 },
      },
    ],
  },
});
