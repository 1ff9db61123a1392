import path from 'node:path';
import type { NextConfig } from 'next';
import { fixedSecurityHeaders, inertContentSecurityPolicy } from './src/lib/security-headers';

// `npm run bench` builds and starts a build of its own (bench/build.ts): ROSTER_BENCH_BUILD=1 puts it in
// .next-bench and adds the `*.bench.ts(x)` page extensions, so app/**/page.bench.tsx and route.bench.ts (the
// benchmark's framework floors) become routes there. A normal build uses Next's default extensions, under which
// `page.bench.tsx` is no page and `route.bench.ts` no route: they never ship in a production build.
const benchBuild = process.env.ROSTER_BENCH_BUILD === '1';

const nextConfig: NextConfig = {
  ...(benchBuild ? { distDir: '.next-bench', pageExtensions: ['tsx', 'ts', 'jsx', 'js', 'bench.tsx', 'bench.ts'] } : {}),
  // cacheComponents stays off: under it, Next 16.4 resumes every route from a prerendered shell, and that
  // path drops useActionState's result for a form posted without JavaScript (vercel/next.js#97784), which
  // the console must support. Reads are cached with unstable_cache + tags instead (app/(console)/users/data.ts).
  cacheComponents: false,
  // PGlite ships WASM and data files it loads from its own package folder at run time. Drizzle is loaded once from
  // node_modules, as in the raw floor: bundled, its per-query entity checks cost 2.1× the raw floor's for the same
  // queries (CPU profiles of GET /api/v1/users, issue 29), 1.3× external.
  serverExternalPackages: ['@electric-sql/pglite', 'pino', 'proper-lockfile', 'drizzle-orm'],
  poweredByHeader: false,
  async headers() {
    return [
      { source: '/:path*', headers: fixedSecurityHeaders },
      // Pages get a policy with a nonce from proxy.ts, which replaces this one; the API docs page brings its own.
      { source: '/:path((?!api/docs$).*)', headers: [{ key: 'Content-Security-Policy', value: inertContentSecurityPolicy }] },
    ];
  },
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
