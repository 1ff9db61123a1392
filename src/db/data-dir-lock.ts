import lockfile from 'proper-lockfile';

export class DataDirInUseError extends Error {
  constructor(dataDir: string) {
    super(
      `The embedded database at ${dataDir} is in use by another Roster process (server, seed or CLI). ` +
        'Stop that process first, or set DATABASE_URL to use PostgreSQL, which allows many processes.',
    );
    this.name = 'DataDirInUseError';
  }
}

/** Takes an exclusive, crash-safe lock on the data directory; resolves to its release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, { stale: 15_000, update: 5_000, lockfilePath: `${dataDir}.lock` });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirInUseError(dataDir);
    throw error;
  }
}
