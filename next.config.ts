import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Enables 'use cache' + cacheTag for the console's reads; writes expire the tags.
  cacheComponents: true,
  // PGlite ships WASM and data files it loads from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite', 'pino', 'proper-lockfile'],
  poweredByHeader: false,
  experimental: {
    serverActions: { bodySizeLimit: '1mb' },
  },
};

export default nextConfig;
