import path from 'node:path';
import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // cacheComponents stays off: under it, Next 16.4 resumes every route from a prerendered shell, and that
  // path drops useActionState's result for a form posted without JavaScript (vercel/next.js#97784), which
  // the console must support. Reads are cached with unstable_cache + tags instead (app/(console)/users/data.ts).
  cacheComponents: false,
  // PGlite ships WASM and data files it loads from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite', 'pino', 'proper-lockfile'],
  poweredByHeader: false,
  // Next's default in-memory cache, through which every instance expires the console's tags when it hears of an
  // event from another (src/server/cache-tags.ts). Next runs from the project directory (npm scripts), and stores
  // this path relative to the build.
  cacheHandler: path.resolve('src/server/cache-handler.mjs'),
  experimental: {
    serverActions: { bodySizeLimit: '1mb' },
    // Keep cached reads in memory only: on disk they would outlive a restart and show another database's
    // users, or data changed while the server was down (seed, CLI).
    isrFlushToDisk: false,
  },
};

export default nextConfig;
