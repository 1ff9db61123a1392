import 'server-only';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseConfig } from '@/db/client';

/**
 * The key Better Auth signs cookies and encrypts JWT signing keys with: ROSTER_AUTH_SECRET. On the embedded
 * database, where `npm start` must work with no configuration, a random one is made once and kept beside the
 * data (mode 0600), so sessions survive restarts; an in-memory database gets one per process.
 */
export function authSecret(config: DatabaseConfig, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.ROSTER_AUTH_SECRET ?? env.BETTER_AUTH_SECRET;
  if (configured) {
    if (configured.length < 32) throw new Error('ROSTER_AUTH_SECRET must be at least 32 characters long.');
    return configured;
  }
  if (config.driver === 'postgres') {
    throw new Error('Set ROSTER_AUTH_SECRET (32+ random characters, e.g. `openssl rand -base64 32`) when using DATABASE_URL.');
  }
  if (config.dataDir.startsWith('memory://')) return randomBytes(32).toString('base64url');
  const file = path.join(config.dataDir, 'auth-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
