import 'server-only';
import { schemeOf, type HashProblem } from './schemes';

export { CEILINGS, type HashProblem } from './schemes';
export { firebaseScryptParameters } from './firebase-scrypt';
export { upgradeImportedHash } from './upgrade';

// Roster's own hashes are Better Auth's `salt:key` (hex scrypt); every imported one starts with its scheme's prefix
// ($2b$, $argon2id$, pbkdf2_sha256$, ...), so the prefix alone says how to verify a stored password.

/** Whether a stored hash is an imported one (verified by its scheme, then replaced by Roster's own). */
export const isImportedHash = (hash: string) => schemeOf(hash) !== null;

/** Null when an imported hash can be kept and verified later; otherwise why not (for the import's row errors). */
export function passwordHashProblem(hash: string): HashProblem | null {
  const scheme = schemeOf(hash);
  if (!scheme) return { code: 'unknown_format', detail: 'Supported: bcrypt, argon2id/argon2i, scrypt, Firebase scrypt, PBKDF2-SHA256 (PHC or Django).' };
  return scheme.check(hash);
}

/**
 * Checks a password against an imported hash. A hash over the cost ceiling or malformed is refused without running
 * the algorithm (a stored hash isn't trusted to be cheap); a library error (a hash it can't parse) is a refusal too.
 */
export async function verifyImportedPassword(hash: string, password: string): Promise<boolean> {
  const scheme = schemeOf(hash);
  if (!scheme || scheme.check(hash)) return false;
  try {
    return await scheme.verify(hash, password);
  } catch {
    return false;
  }
}
