import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A tarball of an in-memory PGlite cluster just after initdb (nothing migrated): see pglite-template-setup.ts. */
    pgliteTemplate: string;
  }
}

/**
 * Vitest global setup: runs initdb once for the whole run, as the app's in-memory PGlite does it (same options, same
 * extensions), and keeps the empty cluster it made as a tarball for the test files' databases to start from.
 * initdb is most of what opening a fresh in-memory PGlite costs (seconds on a loaded machine), and the files open
 * dozens of them.
 */
export default async function pgliteTemplate(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roster-pglite-template-'));
  const file = path.join(dir, 'initdb.tar');
  const client = new PGlite({ extensions: { pg_trgm } });
  try {
    await client.waitReady;
    writeFileSync(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await client.close();
  }
  project.provide('pgliteTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
