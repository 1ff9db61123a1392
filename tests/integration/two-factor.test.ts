import { eq } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetTwoFactor } from '@/core/accounts';
import { auditEvents, sessions, twoFactors, users } from '@/db/schema';
import { Client } from '../support/auth-http';
import { describeEachDatabase } from '../support/database';
import { authFor, insertUser, principalFor, TEST_PASSWORD } from '../support/principals';

// TOTP through Better Auth's endpoints, with codes computed by an independent implementation (otpauth) for explicit
// times. The server's clock is pinned (only Date is faked), so no test depends on how fast it runs.

const PERIOD_MS = 30_000;
// The start of a time step near now, so database defaults (now()) and the pinned clock roughly agree.
const T0 = Math.floor(Date.now() / PERIOD_MS) * PERIOD_MS;
const at = (steps: number) => T0 + steps * PERIOD_MS;

function codeAt(totpURI: string, timestamp: number): string {
  const totp = OTPAuth.URI.parse(totpURI) as OTPAuth.TOTP;
  return totp.generate({ timestamp });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

describeEachDatabase('two-factor sign-in (TOTP)', (db) => {
  async function signedIn(email?: string) {
    const user = await insertUser(db(), 'admin', { password: true, ...(email ? { email } : {}) });
    const client = new Client(await authFor(db()));
    const response = await client.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    return { user, client };
  }

  /** Enrols and confirms with the code of step 0; returns the authenticator's URI and the recovery codes. */
  async function enrolled() {
    const { user, client } = await signedIn();
    const enable = await client.post('/two-factor/enable', { password: TEST_PASSWORD });
    expect(enable.status).toBe(200);
    const { totpURI, backupCodes } = (await enable.json()) as { totpURI: string; backupCodes: string[] };
    const confirm = await client.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(0)) });
    expect(confirm.status, await confirm.clone().text()).toBe(200);
    return { user, totpURI, backupCodes };
  }

  async function challenge(email: string) {
    const client = new Client(await authFor(db()));
    const response = await client.post('/sign-in/email', { email, password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ twoFactorRedirect: true, twoFactorMethods: ['totp'] });
    expect(client.has('roster.session_token')).toBe(false);
    return client;
  }

  it('enrols with the password, stores the secret and recovery codes encrypted, and is on only once a code confirms it', async () => {
    const { user, client } = await signedIn();
    const enable = await client.post('/two-factor/enable', { password: TEST_PASSWORD });
    const { totpURI, backupCodes } = (await enable.json()) as { totpURI: string; backupCodes: string[] };
    const secret = (OTPAuth.URI.parse(totpURI) as OTPAuth.TOTP).secret.base32;
    expect(totpURI).toMatch(/^otpauth:\/\/totp\/Roster:.+\?secret=[A-Z2-7]+&issuer=Roster&digits=6&period=30$/);
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);

    const [row] = await db().select().from(twoFactors).where(eq(twoFactors.userId, user.id));
    expect(row!.verified).toBe(false);
    for (const stored of [row!.secret, row!.backupCodes]) {
      expect(stored).not.toContain(secret);
      for (const code of backupCodes) expect(stored).not.toContain(code);
    }
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]!.twoFactorEnabled).toBe(false);

    const wrong = await client.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(-5)) });
    expect(wrong.status).toBe(401);
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]!.twoFactorEnabled).toBe(false);

    const confirm = await client.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(0)) });
    expect(confirm.status).toBe(200);
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]!.twoFactorEnabled).toBe(true);
  });

  it('asks for the code at sign-in, accepts one from this step or the neighbouring ones, and never the same step twice', async () => {
    const { user, totpURI } = await enrolled();

    vi.setSystemTime(at(4));
    const first = await challenge(user.email);
    const accepted = await first.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(4)) });
    expect(accepted.status).toBe(200);
    expect(first.has('roster.session_token')).toBe(true);

    // The same code again, still inside its window: a replay.
    const replay = await challenge(user.email);
    const replayed = await replay.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(4)) });
    expect(replayed.status).toBe(401);
    expect((await replayed.json()).code).toBe('INVALID_CODE');
    expect(replay.has('roster.session_token')).toBe(false);

    // Two steps off: outside the window.
    vi.setSystemTime(at(8));
    const late = await challenge(user.email);
    expect((await late.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(6)) })).status).toBe(401);
    expect((await late.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(10)) })).status).toBe(401);
    // One step behind (a slow clock on the phone): fine.
    expect((await late.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(7)) })).status).toBe(200);
    // And now an earlier step than the last one accepted is refused too, though inside the window.
    const older = await challenge(user.email);
    vi.setSystemTime(at(8));
    expect((await older.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(7)) })).status).toBe(401);
    expect((await older.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(8)) })).status).toBe(200);
  });

  it('takes each recovery code once, instead of a TOTP code', async () => {
    const { user, backupCodes } = await enrolled();
    const client = await challenge(user.email);
    expect((await client.post('/two-factor/verify-backup-code', { code: backupCodes[3] })).status).toBe(200);
    expect(client.has('roster.session_token')).toBe(true);

    const again = await challenge(user.email);
    expect((await again.post('/two-factor/verify-backup-code', { code: backupCodes[3] })).status).toBe(401);
    expect((await again.post('/two-factor/verify-backup-code', { code: 'AAAAA-BBBBB' })).status).toBe(401);
    expect(again.has('roster.session_token')).toBe(false);
  });

  it('counts failed codes toward the brute-force defence: over the account+IP budget, 429 with Retry-After', async () => {
    vi.stubEnv('ROSTER_AUTH_FAILURES_PER_ACCOUNT_IP', '2/900');
    const { user, totpURI } = await enrolled();
    const client = await challenge(user.email); // the password was right: nothing counted
    expect((await client.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(-9)) })).status).toBe(401); // one failure
    expect((await client.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(-8)) })).status).toBe(401); // two
    const limited = await client.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(-7)) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(client.has('roster.session_token')).toBe(false);
  });

  it('is disabled only with the password', async () => {
    const { user, totpURI } = await enrolled();
    vi.setSystemTime(at(2));
    const client = await challenge(user.email);
    expect((await client.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(2)) })).status).toBe(200);

    const refused = await client.post('/two-factor/disable', { password: 'not the password' });
    expect(refused.status).toBe(400);
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]!.twoFactorEnabled).toBe(true);

    expect((await client.post('/two-factor/disable', { password: TEST_PASSWORD })).status).toBe(200);
    expect((await db().select().from(users).where(eq(users.id, user.id)))[0]!.twoFactorEnabled).toBe(false);
    expect(await db().select().from(twoFactors).where(eq(twoFactors.userId, user.id))).toEqual([]);
    const plain = new Client(await authFor(db()));
    const signIn = await plain.post('/sign-in/email', { email: user.email, password: TEST_PASSWORD });
    expect(plain.has('roster.session_token')).toBe(true);
    expect((await signIn.json()).twoFactorRedirect).toBeUndefined();
  });

  it('a suspended user gets no session from a correct code', async () => {
    const { user, totpURI } = await enrolled();
    vi.setSystemTime(at(3));
    const client = await challenge(user.email);
    await db().update(users).set({ status: 'suspended' }).where(eq(users.id, user.id));
    const before = await db().select().from(sessions).where(eq(sessions.userId, user.id));
    expect((await client.post('/two-factor/verify-totp', { code: codeAt(totpURI, at(3)) })).status).toBe(403);
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toEqual(before);
    expect(client.has('roster.session_token')).toBe(false);
  });

  describe('reset by staff', () => {
    it('an admin resets a member\'s second factor, audited; the member signs in with the password alone', async () => {
      const { user: enrolledUser } = await enrolled();
      await db().update(users).set({ role: 'member' }).where(eq(users.id, enrolledUser.id));
      const admin = await principalFor(db(), 'admin');
      await resetTwoFactor({ db: db(), principal: admin }, enrolledUser.id);

      const [after] = await db().select().from(users).where(eq(users.id, enrolledUser.id));
      expect(after!.twoFactorEnabled).toBe(false);
      expect(after!.version).toBe(enrolledUser.version + 1);
      expect(await db().select().from(twoFactors).where(eq(twoFactors.userId, enrolledUser.id))).toEqual([]);
      const [event] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'user.two-factor-reset'));
      expect(event).toMatchObject({ actor: `user:${admin.userId}`, subjectId: enrolledUser.id, changes: { twoFactorEnabled: { before: true, after: false } } });

      const client = new Client(await authFor(db()));
      await client.post('/sign-in/email', { email: enrolledUser.email, password: TEST_PASSWORD });
      expect(client.has('roster.session_token')).toBe(true);
    });

    it('admins can\'t reset an admin\'s; viewers and members can\'t reset anyone\'s', async () => {
      const { user: enrolledAdmin } = await enrolled();
      for (const role of ['admin', 'viewer', 'member'] as const) {
        const principal = await principalFor(db(), role);
        await expect(resetTwoFactor({ db: db(), principal }, enrolledAdmin.id)).rejects.toMatchObject({ code: 'forbidden' });
      }
      expect((await db().select().from(twoFactors).where(eq(twoFactors.userId, enrolledAdmin.id)))).toHaveLength(1);
      const owner = await principalFor(db(), 'owner');
      await resetTwoFactor({ db: db(), principal: owner }, enrolledAdmin.id);
      await expect(resetTwoFactor({ db: db(), principal: owner }, enrolledAdmin.id)).rejects.toMatchObject({ code: 'conflict' });
    });
  });
});
