import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { expect, type TestType } from '@playwright/test';

/** What a spec's own server differs in: where it listens, the base URL it names, its secret, and its first owner. */
interface OwnServer {
  port: number;
  baseUrl: string;
  authSecret: string;
  /** The owner made at start; none (the setup page's to make) when absent. */
  owner?: { email: string; password: string };
}

/**
 * Starts a Roster server of the spec's own (the same production build, in memory) before its tests and stops it after
 * them: for a spec that needs what the suite's server can't give it, such as another base URL or no owner yet.
 */
export function startsOwnServer<T extends object, W extends object>(test: TestType<T, W>, { port, baseUrl, authSecret, owner }: OwnServer): void {
  let server: ChildProcess | undefined;
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    server = spawn('npm', ['start', '--', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      detached: true,
      stdio: 'ignore',
      env: {
        ...process.env,
        DATABASE_URL: '',
        ROSTER_DATA_DIR: 'memory://',
        LOG_LEVEL: 'warn',
        NEXT_TELEMETRY_DISABLED: '1',
        ROSTER_BASE_URL: baseUrl,
        ROSTER_AUTH_SECRET: authSecret,
        ROSTER_OWNER_EMAIL: owner?.email ?? '',
        ROSTER_OWNER_PASSWORD: owner?.password ?? '',
        ROSTER_AUTH_RATE_LIMIT_IP: '1000/60',
      },
    });
    await expect(async () => expect((await fetch(`http://127.0.0.1:${port}/api/ready`)).status).toBe(200)).toPass({ timeout: 200_000, intervals: [500] });
  });
  test.afterAll(() => {
    if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  });
}
