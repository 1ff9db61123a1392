// Shared by `npm start` (scripts/start.mjs) and `npm run bench` (bench/build.ts): run `next build` when the
// production build is missing or older than the sources it is made from. The bench's own build (its floors, in
// .next-bench) passes its directory and environment; everything else uses the normal build in .next.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const sources = ['app', 'src', 'drizzle', 'public', 'next.config.ts', 'package-lock.json', 'instrumentation.ts'];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((entry) => newestMtime(path.join(target, entry))));
}

/** True when the build in `distDir` is missing or any source is newer than it. */
export function buildIsStale(distDir = '.next') {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  return !existsSync(buildId) || sources.some((source) => newestMtime(path.join(root, source)) > statSync(buildId).mtimeMs);
}

/**
 * Builds if stale (output goes to this terminal). Returns whether it built; throws if the build fails.
 * @param {{ log?: (message: string) => void, distDir?: string, env?: Record<string, string | undefined> }} [options]
 *   distDir and env: where the build goes and the environment next.config.ts picks it from (the bench's build).
 */
export function buildIfStale({ log = console.log, distDir = '.next', env = {} } = {}) {
  if (!buildIsStale(distDir)) return false;
  log(`roster: building the production bundle into ${distDir} (next build)…`);
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (build.status !== 0) {
    throw Object.assign(new Error(`next build failed (exit ${build.status ?? build.signal})`), { exitCode: build.status ?? 1 });
  }
  return true;
}
