// next.config's `cacheHandler`: Next's own in-memory cache (the FileSystemCache it uses when none is configured;
// isrFlushToDisk is off), plus a way for Roster's code to expire tags outside any request. Next loads this file
// itself, unbundled, for its pages and route handlers (and bundles a copy into the proxy), so the tags expired here
// are the ones its cache checks. Roster's bundled code reaches every loaded copy through a globalThis symbol
// (src/server/cache-tags.ts), as it does for every per-process singleton.
import fileSystemCache from 'next/dist/server/lib/incremental-cache/file-system-cache.js';

// Node's ESM import of Next's CommonJS module, or a bundler's interop.
const FileSystemCache = fileSystemCache.default ?? fileSystemCache;

// Tag expiry lives in Next's tags manifest, not in the instance: one instance expires tags for all of them.
const expirer = new FileSystemCache({ revalidatedTags: [] });
(globalThis[Symbol.for('roster.expire-cache-tags')] ??= new Set()).add((tags) => expirer.revalidateTag(tags));

export default FileSystemCache;
