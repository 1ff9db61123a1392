// `npm start`: build if the production build is missing or older than the sources, then serve it.
// Migrations are applied by the server itself at start (instrumentation.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const buildId = path.join(root, '.next', 'BUILD_ID');
const sources = ['app', 'src', 'drizzle', 'public', 'next.config.ts', 'package-lock.json', 'instrumentation.ts'];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((entry) => newestMtime(path.join(target, entry))));
}

const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const stale = !existsSync(buildId) || sources.some((source) => newestMtime(path.join(root, source)) > statSync(buildId).mtimeMs);
if (stale) {
  console.log('roster: building the production bundle (next build)…');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Roster closes its database on SIGTERM/SIGINT itself (src/server/on-start.ts), so Next must not exit first.
const server = spawn(process.execPath, [nextBin, 'start', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NEXT_MANUAL_SIG_HANDLE: 'true' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
