// `npm start`: build if the production build is missing or older than the sources, then serve it with
// scripts/server.mjs in this same process. package.json's "start" execs node, so npm's signals (which it forwards
// to its child) reach the server itself, and no shell is left behind.
import { buildIfStale } from './build-if-stale.mjs';

try {
  buildIfStale();
} catch (error) {
  // next build has already printed why it failed.
  process.exit(error.exitCode ?? 1);
}
await import('./server.mjs');
