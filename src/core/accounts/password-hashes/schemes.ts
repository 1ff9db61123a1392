import 'server-only';
import { verify as argon2Verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { firebaseScryptParameters, verifyFirebaseScrypt } from './firebase-scrypt';
import { decodeB64, intParam, parsePhc, type Phc } from './phc';

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/** Why a hash can't be kept: an unknown or malformed format, or a cost above the ceiling (a DoS guard). */
export interface HashProblem {
  code: 'unknown_format' | 'malformed' | 'cost_too_high' | 'not_configured';
  detail: string;
}

interface Scheme {
  name: string;
  /** A problem with this hash, or null when it can be verified within the ceilings. */
  check(hash: string): HashProblem | null;
  verify(hash: string, password: string): Promise<boolean>;
}

// Ceilings: about a second of CPU or 128 MiB of memory per check at most, well above each library's defaults
// (bcrypt 10–12, argon2 m=19–64 MiB, scrypt 2^14–2^17, Django PBKDF2 ≤ 1.2 M iterations).
export const CEILINGS = { bcryptCost: 14, argon2MemoryKiB: 131_072, argon2Time: 10, argon2Parallelism: 8, scryptMemory: 128 * 1024 * 1024, scryptParallelism: 4, pbkdf2Iterations: 2_000_000 };

const malformed = (detail: string): HashProblem => ({ code: 'malformed', detail });
const tooCostly = (detail: string): HashProblem => ({ code: 'cost_too_high', detail });

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

const bcryptScheme: Scheme = {
  name: 'bcrypt',
  check(hash) {
    const match = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(hash);
    if (!match) return malformed('bcrypt hashes are $2a$/$2b$/$2y$, a two-digit cost and 53 characters.');
    const cost = Number(match[1]);
    return cost < 4 ? malformed('bcrypt cost under 4.') : cost > CEILINGS.bcryptCost ? tooCostly(`bcrypt cost ${cost} is above ${CEILINGS.bcryptCost}.`) : null;
  },
  verify: (hash, password) => bcrypt.compare(password, hash),
};

function argon2Problem(phc: Phc | null): HashProblem | null {
  if (!phc || phc.version === undefined) return malformed('argon2 hashes are PHC strings: $argon2id$v=19$m=…,t=…,p=…$salt$hash.');
  const [m, t, p] = [intParam(phc, 'm'), intParam(phc, 't'), intParam(phc, 'p')];
  if (!(m > 0 && t > 0 && p > 0)) return malformed('argon2 needs m, t and p.');
  if (m > CEILINGS.argon2MemoryKiB || t > CEILINGS.argon2Time || p > CEILINGS.argon2Parallelism)
    return tooCostly(`argon2 costs above m=${CEILINGS.argon2MemoryKiB},t=${CEILINGS.argon2Time},p=${CEILINGS.argon2Parallelism}.`);
  return null;
}

const argon2Scheme: Scheme = {
  name: 'argon2',
  check: (hash) => argon2Problem(parsePhc(hash)),
  verify: (hash, password) => argon2Verify(hash, password),
};

function scryptParams(phc: Phc | null) {
  if (!phc) return null;
  const [ln, r, p] = [intParam(phc, 'ln'), intParam(phc, 'r'), intParam(phc, 'p')];
  return ln > 0 && ln < 32 && r > 0 && p > 0 ? { N: 2 ** ln, r, p, salt: decodeB64(phc.salt), hash: decodeB64(phc.hash) } : null;
}

const scryptScheme: Scheme = {
  name: 'scrypt',
  check(hash) {
    const params = scryptParams(parsePhc(hash));
    if (!params || params.hash.length < 16) return malformed('scrypt hashes are PHC strings: $scrypt$ln=…,r=…,p=…$salt$hash.');
    if (128 * params.N * params.r > CEILINGS.scryptMemory || params.p > CEILINGS.scryptParallelism)
      return tooCostly(`scrypt needs at most ${CEILINGS.scryptMemory / 1024 / 1024} MiB (128·N·r) and p ≤ ${CEILINGS.scryptParallelism}.`);
    return null;
  },
  async verify(hash, password) {
    const { N, r, p, salt, hash: expected } = scryptParams(parsePhc(hash))!;
    return equal(await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r }), expected);
  },
};

/** PBKDF2-SHA256 as PHC/passlib write it ($pbkdf2-sha256$i=N$…, $pbkdf2-sha256$N$…) or as Django does (pbkdf2_sha256$N$salt$hash). */
function pbkdf2Params(hash: string) {
  if (hash.startsWith('pbkdf2_sha256$')) {
    const [, iterations, salt, digest] = hash.split('$');
    if (!/^\d{1,10}$/.test(iterations ?? '') || !salt || !digest) return null;
    // Django uses the salt's text as bytes, not decoded.
    return { iterations: Number(iterations), salt: Buffer.from(salt, 'utf8'), hash: Buffer.from(digest, 'base64') };
  }
  const phc = parsePhc(hash);
  const iterations = phc ? intParam(phc, 'i') : NaN;
  return phc && iterations > 0 ? { iterations, salt: decodeB64(phc.salt), hash: decodeB64(phc.hash) } : null;
}

const pbkdf2Scheme: Scheme = {
  name: 'pbkdf2-sha256',
  check(hash) {
    const params = pbkdf2Params(hash);
    if (!params || params.hash.length < 16) return malformed('PBKDF2 hashes are $pbkdf2-sha256$i=…$salt$hash or Django’s pbkdf2_sha256$…$salt$hash.');
    return params.iterations > CEILINGS.pbkdf2Iterations ? tooCostly(`PBKDF2 above ${CEILINGS.pbkdf2Iterations} iterations.`) : null;
  },
  async verify(hash, password) {
    const { iterations, salt, hash: expected } = pbkdf2Params(hash)!;
    return equal(await pbkdf2Async(password, salt, iterations, expected.length, 'sha256'), expected);
  },
};

/** `$firebase-scrypt$<salt base64>$<hash base64>`: the project's parameters come from the environment. */
function firebaseParts(hash: string) {
  const [empty, , salt, digest, ...rest] = hash.split('$');
  return empty === '' && salt && digest && rest.length === 0 ? { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(digest, 'base64') } : null;
}

const firebaseScheme: Scheme = {
  name: 'firebase-scrypt',
  check(hash) {
    const parts = firebaseParts(hash);
    if (!parts || parts.hash.length === 0) return malformed('Firebase hashes are $firebase-scrypt$<salt base64>$<hash base64>.');
    return firebaseScryptParameters() ? null : { code: 'not_configured', detail: 'Set ROSTER_FIREBASE_SCRYPT_SIGNER_KEY (and the other parameters) first.' };
  },
  async verify(hash, password) {
    const params = firebaseScryptParameters();
    const { salt, hash: expected } = firebaseParts(hash)!;
    return params !== null && verifyFirebaseScrypt(password, salt, expected, params);
  },
};

/** The scheme a stored hash names by its prefix. */
export function schemeOf(hash: string): Scheme | null {
  if (/^\$2[aby]\$/.test(hash)) return bcryptScheme;
  if (hash.startsWith('$argon2id$') || hash.startsWith('$argon2i$')) return argon2Scheme;
  if (hash.startsWith('$scrypt$')) return scryptScheme;
  if (hash.startsWith('$pbkdf2-sha256$') || hash.startsWith('pbkdf2_sha256$')) return pbkdf2Scheme;
  if (hash.startsWith('$firebase-scrypt$')) return firebaseScheme;
  return null;
}
