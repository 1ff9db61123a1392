import 'server-only';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { isImportedHash, upgradeImportedHash, verifyImportedPassword } from '@/core/accounts/password-hashes';
import type { Database } from '@/db/client';

/**
 * Better Auth's password hashing, plus the hashes users were imported with (bcrypt, argon2, scrypt, Firebase scrypt,
 * PBKDF2): verified by their prefix, then replaced by Roster's own hash once the password is known to be right.
 */
export function passwordHashing(db: Database) {
  return {
    hash: hashPassword,
    async verify({ hash, password }: { hash: string; password: string }) {
      if (!isImportedHash(hash)) return verifyPassword({ hash, password });
      if (!(await verifyImportedPassword(hash, password))) return false;
      await upgradeImportedHash(db, hash, await hashPassword(password));
      return true;
    },
  };
}
