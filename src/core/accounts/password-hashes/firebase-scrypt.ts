import 'server-only';
import { createCipheriv, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: Buffer, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/** A Firebase project's password hash parameters (Authentication → Users → ⋮ → Password hash parameters). */
export interface FirebaseScryptParameters {
  signerKey: Buffer;
  saltSeparator: Buffer;
  rounds: number;
  memCost: number;
}

// Firebase's own ranges for the two costs (its console offers nothing above them): the DoS ceiling.
const MAX_ROUNDS = 8;
const MAX_MEM_COST = 14;

/**
 * ROSTER_FIREBASE_SCRYPT_{SIGNER_KEY,SALT_SEPARATOR,ROUNDS,MEM_COST}, or null when the signer key isn't set. Throws on a
 * set but malformed value, so a misconfigured deployment fails loudly rather than refusing every Firebase user.
 */
export function firebaseScryptParameters(env: NodeJS.ProcessEnv = process.env): FirebaseScryptParameters | null {
  const key = env.ROSTER_FIREBASE_SCRYPT_SIGNER_KEY;
  if (!key) return null;
  const rounds = Number(env.ROSTER_FIREBASE_SCRYPT_ROUNDS ?? 8);
  const memCost = Number(env.ROSTER_FIREBASE_SCRYPT_MEM_COST ?? 14);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS) throw new Error(`ROSTER_FIREBASE_SCRYPT_ROUNDS must be 1..${MAX_ROUNDS}`);
  if (!Number.isInteger(memCost) || memCost < 1 || memCost > MAX_MEM_COST) throw new Error(`ROSTER_FIREBASE_SCRYPT_MEM_COST must be 1..${MAX_MEM_COST}`);
  const signerKey = Buffer.from(key, 'base64');
  if (signerKey.length === 0) throw new Error('ROSTER_FIREBASE_SCRYPT_SIGNER_KEY must be base64');
  return { signerKey, saltSeparator: Buffer.from(env.ROSTER_FIREBASE_SCRYPT_SALT_SEPARATOR ?? 'Bw==', 'base64'), rounds, memCost };
}

/**
 * Firebase's modified scrypt (github.com/firebase/scrypt): the key derived by scrypt(password, salt ‖ separator,
 * N = 2^memCost, r = rounds, p = 1, 32 bytes) encrypts the project's signer key with AES-256-CTR and a zero IV; the
 * ciphertext is the stored hash.
 */
export async function firebaseScryptHash(password: string, salt: Buffer, params: FirebaseScryptParameters): Promise<Buffer> {
  const N = 2 ** params.memCost;
  const derived = await scryptAsync(Buffer.from(password, 'utf8'), Buffer.concat([salt, params.saltSeparator]), 32, {
    N,
    r: params.rounds,
    p: 1,
    maxmem: 256 * N * params.rounds,
  });
  const cipher = createCipheriv('aes-256-ctr', derived, Buffer.alloc(16));
  return Buffer.concat([cipher.update(params.signerKey), cipher.final()]);
}

export async function verifyFirebaseScrypt(password: string, salt: Buffer, expected: Buffer, params: FirebaseScryptParameters) {
  const actual = await firebaseScryptHash(password, salt, params);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
