// The bench's own production build: the normal one plus the framework floors (app/**/*.bench.ts(x)), in a
// directory of its own so that `npm start` and the e2e tests keep serving a build without them (next.config.ts).
import path from 'node:path';
import { buildIfStale } from '../scripts/build-if-stale.mjs';
import { root } from './processes';

export const benchDistDir = '.next-bench';
/** What next.config.ts reads, for `next build` and for `next start` alike. */
export const benchBuildEnv = { ROSTER_BENCH_BUILD: '1' };
export const benchBuildPath = (...parts: string[]) => path.join(root, benchDistDir, ...parts);

export const buildBenchIfStale = () => buildIfStale({ log: (message) => console.log(message), distDir: benchDistDir, env: benchBuildEnv });
