// `npm start`: build if the production build is missing or older than the sources, then serve it.
// Migrations are applied by the server itself at start (instrumentation.ts).
import { spawn } from 'node:child_process';
import { buildIfStale, nextBin, root } from './build-if-stale.mjs';

try {
  buildIfStale();
} catch (error) {
  // next build has already printed why it failed.
  process.exit(error.exitCode ?? 1);
}

// Roster closes its database on SIGTERM/SIGINT itself (src/server/on-start.ts), so Next must not exit first.
const server = spawn(process.execPath, [nextBin, 'start', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NEXT_MANUAL_SIG_HANDLE: 'true' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
