import { buildIfStale } from '../../scripts/build-if-stale.mjs';

/**
 * Vitest global setup: the shutdown and cluster tests serve the production build, and with test files running side
 * by side they would otherwise both start `next build` into one `.next` at once. Built here, before any file runs,
 * with the workers' database settings; a fresh build is left alone.
 */
export default function buildOnce(): void {
  buildIfStale({ log: (message) => console.log(message), env: { DATABASE_URL: '', ROSTER_DATA_DIR: 'memory://' } });
}
