import { hash as argon2 } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { passwordHashProblem, verifyImportedPassword } from '@/core/accounts/password-hashes';

// Recognising imported hashes and the cost ceilings that keep a stored hash from costing a sign-in seconds or gigabytes.
describe('passwordHashProblem', () => {
  it('names unknown and malformed formats', () => {
    expect(passwordHashProblem('md5$abc')).toMatchObject({ code: 'unknown_format' });
    expect(passwordHashProblem('$2b$10$short')).toMatchObject({ code: 'malformed' });
    expect(passwordHashProblem('$argon2id$m=1,t=1$a$b')).toMatchObject({ code: 'malformed' });
    expect(passwordHashProblem('pbkdf2_sha256$many$salt$hash')).toMatchObject({ code: 'malformed' });
  });

  it('refuses costs above the ceiling, and refuses to verify them without running the algorithm', async () => {
    const costly = [
      bcrypt.hashSync('x', 4).replace('$04$', '$15$'),
      '$argon2id$v=19$m=4194304,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      '$scrypt$ln=20,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      '$pbkdf2-sha256$i=50000000$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA',
      'pbkdf2_sha256$50000000$salt$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA==',
    ];
    for (const hash of costly) {
      expect(passwordHashProblem(hash)).toMatchObject({ code: 'cost_too_high' });
      expect(await verifyImportedPassword(hash, 'x')).toBe(false);
    }
  });

  it('accepts what the libraries write by default', async () => {
    expect(passwordHashProblem(await bcrypt.hash('x', 12))).toBeNull();
    expect(passwordHashProblem(await argon2('x'))).toBeNull();
  });
});
