// Vitest setup (vitest.config.ts): an in-memory PGlite the app opens (src/db/client.ts, so getDatabase() and
// openTestDatabase('pglite') alike) starts from the empty cluster tests/support/pglite-template.ts made with initdb
// once for the run, instead of running initdb itself. Everything after initdb is as before: each database is its
// own, and the app's migrations run on it when it opens. A PGlite with a data directory, or one given its own
// starting data, is left alone.
import type { PGliteOptions } from '@electric-sql/pglite';
import { vi } from 'vitest';

vi.mock('@electric-sql/pglite', async (importOriginal) => {
  const original = await importOriginal<typeof import('@electric-sql/pglite')>();
  const { inject } = await import('vitest');
  const { readFileSync } = await import('node:fs');
  const file = inject('pgliteTemplate');
  if (!file) return original;
  const template = readFileSync(file);
  class PGlite extends original.PGlite {
    constructor(dataDirOrOptions?: string | PGliteOptions, options?: PGliteOptions) {
      const inMemory = typeof dataDirOrOptions === 'object' && options === undefined && !dataDirOrOptions.dataDir && !dataDirOrOptions.loadDataDir;
      if (inMemory) super({ ...dataDirOrOptions, loadDataDir: new Blob([template]) });
      else if (typeof dataDirOrOptions === 'string') super(dataDirOrOptions, options);
      else super(dataDirOrOptions);
    }
  }
  return { ...original, PGlite };
});
