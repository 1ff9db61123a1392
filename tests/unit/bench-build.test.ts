import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from 'next/dist/server/config-shared';
import { createValidFileMatcher } from 'next/dist/server/lib/find-page-file';

// The benchmark's framework floors (app/**/*.bench.ts(x)) must not ship: a normal production build must not see
// them as pages or routes, and the bench build (ROSTER_BENCH_BUILD=1) must. Decided with the matcher Next's own
// build uses to find app/ pages and routes, fed the page extensions next.config.ts gives each build.

const root = path.resolve(import.meta.dirname, '../..');
const appDir = path.join(root, 'app');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

async function configFor(benchBuild: boolean) {
  vi.resetModules();
  vi.stubEnv('ROSTER_BENCH_BUILD', benchBuild ? '1' : '');
  const { default: config } = await import('../../next.config');
  return { distDir: config.distDir ?? defaultConfig.distDir, pageExtensions: config.pageExtensions ?? defaultConfig.pageExtensions! };
}

/** The files under app/ Next turns into pages or routes with these page extensions, relative to app/. */
async function entryFiles(pageExtensions: string[]) {
  const matcher = createValidFileMatcher(pageExtensions, appDir);
  return files(appDir)
    .filter((file) => matcher.isAppRouterPage(file) || matcher.isAppRouterRoute(file))
    .map((file) => path.relative(appDir, file));
}

const benchEntries = ['bench/page.bench.tsx', 'api/bench/noop/route.bench.ts'];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the bench build', () => {
  it('a normal build has no bench page or route, in .next', async () => {
    const config = await configFor(false);
    expect(config.distDir).toBe('.next');
    const entries = await entryFiles(config.pageExtensions);
    expect(entries).toContain('(console)/users/[id]/page.tsx');
    expect(entries.filter((file) => file.includes('.bench.'))).toEqual([]);
  });

  it('the bench build has the floors as well, in a directory of its own', async () => {
    const config = await configFor(true);
    expect(config.distDir).toBe('.next-bench');
    const entries = await entryFiles(config.pageExtensions);
    expect(entries).toEqual(expect.arrayContaining([...benchEntries, '(console)/users/[id]/page.tsx']));
  });

  it('every bench-only file under app/ is named *.bench.ts(x)', () => {
    // A bench file without the suffix would ship; the suffix is the only thing keeping it out.
    const benchDir = files(path.join(appDir, 'bench')).concat(files(path.join(appDir, 'api', 'bench')));
    expect(benchDir.map((file) => path.basename(file)).filter((name) => !/\.bench\.tsx?$/.test(name))).toEqual([]);
  });
});
