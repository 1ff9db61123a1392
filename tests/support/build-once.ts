import { buildIfStale } from '../../scripts/build-if-stale.mjs';

/**
 * Vitest global setup: the shutdown and cluster tests serve the production build. Built here, once, before any file
 * runs (so no two files can ever start `next build` into one `.next`), with the workers' database settings; a fresh
 * build is left alone.
 */
export default function buildOnce(): void {
  buildIfStale({ log: (message) => console.log(message), env: { DATABASE_URL: '', ROSTER_DATA_DIR: 'memory://' } });
}
