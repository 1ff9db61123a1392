import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestEmailChangeAction } from '../../app/(console)/account/actions';
import { createInvitationAction, resendInvitationAction } from '../../app/(console)/invitations/actions';
import * as authRoute from '../../app/api/auth/[...all]/route';
import * as resendRoute from '../../app/api/v1/invitations/[id]/resend/route';
import * as invitationsRoute from '../../app/api/v1/invitations/route';
import * as emailRoute from '../../app/api/v1/me/email/route';
import { idleState } from '@/actions/action-state';
import { getDatabase } from '@/db';
import { invitations, mailOutbox, users } from '@/db/schema';
import { logger } from '@/lib/logger';
import { mailSendLimits } from '@/rate-limit/mail-limits';
import { limiterOn, rateLimitStore } from '@/rate-limit/store';
import { formData } from '../support/actions';
import { fromClient } from '../support/client-ip';
import { truncateAll } from '../support/database';
import { apiKeyFor, bearerFor, consoleRequestHeaders, signInConsoleAs } from '../support/principals';
import type { Problem } from '../support/problem';

// Every door that makes Roster email someone on request spends the send budgets: per client IP, per account that
// asks (the user, the API key, the new account at sign-up) and, for a change of email, per new address. Over a
// budget the API answers 429 problem+json with Retry-After, the console's form says so, and a sign-up still creates
// the account but queues no verification link. A request whose client IP is unknown is never counted per IP.

vi.mock('next/cache', () => ({ updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn(), refresh: vi.fn() }));
/** The console's client, as the server's ingress stamps it (null: no known peer). */
let consoleIp: string | null = null;
vi.mock('next/headers', () => ({
  headers: async () => {
    const headers = consoleRequestHeaders();
    for (const [name, value] of Object.entries(consoleIp ? fromClient(consoleIp) : {})) headers.set(name, value);
    return headers;
  },
}));

const BASE = 'http://localhost:3000';
const db = async () => (await getDatabase()).db;
const queued = async (kind: 'email-change' | 'invitation' | 'email-verification') => (await (await db()).select().from(mailOutbox).where(eq(mailOutbox.kind, kind))).length;
let ipCount = 0;
/** A client address no other test used. */
const freshIp = () => `198.18.${Math.floor(++ipCount / 250)}.${(ipCount % 250) + 1}`;

function post(route: { POST: (request: Request, context: { params: Promise<never> }) => Promise<Response> }, path: string, { body, headers = {}, params = {} }: { body?: unknown; headers?: Record<string, string>; params?: Record<string, string> }) {
  const request = new Request(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: BASE, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return route.POST(request, { params: Promise.resolve(params as never) });
}

/** A 429 problem+json whose Retry-After is within the window, saying which budget is spent. */
async function expectSpent(response: Response, detail: RegExp, windowSeconds: number) {
  expect(response.status).toBe(429);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(((await response.json()) as Problem).detail).toMatch(detail);
}

beforeEach(async () => {
  await truncateAll(await db());
  consoleIp = null;
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('change of email', () => {
  const requestChange = (user: { headers: Record<string, string> }, email: string, ip: string | null) =>
    post(emailRoute, '/api/v1/me/email', { body: { email }, headers: { ...user.headers, ...(ip ? fromClient(ip) : {}) } });

  it('API: limited per account, then 429 with Retry-After; another account from the same IP still gets through', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_ACCOUNT', '2/3600');
    const ip = freshIp();
    const user = await bearerFor(await db(), 'member');
    expect((await requestChange(user, 'one@example.com', ip)).status).toBe(202);
    expect((await requestChange(user, 'two@example.com', ip)).status).toBe(202);
    await expectSpent(await requestChange(user, 'three@example.com', freshIp()), /^Too many emails requested by this account\. Retry in \d+ seconds\.$/, 3600);
    expect(await queued('email-change')).toBe(2);
    expect((await requestChange(await bearerFor(await db(), 'member'), 'four@example.com', ip)).status).toBe(202);
  });

  it('API: limited per client IP across accounts; a request from no known IP is not counted under a shared one', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_IP', '2/3600');
    const ip = freshIp();
    for (const email of ['a@example.com', 'b@example.com']) expect((await requestChange(await bearerFor(await db(), 'member'), email, ip)).status).toBe(202);
    await expectSpent(await requestChange(await bearerFor(await db(), 'member'), 'c@example.com', ip), /^Too many emails requested from this network\./, 3600);
    for (const email of ['d@example.com', 'e@example.com', 'f@example.com']) expect((await requestChange(await bearerFor(await db(), 'member'), email, null)).status).toBe(202);
    expect(await queued('email-change')).toBe(5);
  });

  it('API: limited per new address, whoever asks', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_ADDRESS', '1/3600');
    expect((await requestChange(await bearerFor(await db(), 'member'), 'wanted@example.com', freshIp())).status).toBe(202);
    await expectSpent(await requestChange(await bearerFor(await db(), 'member'), 'WANTED@example.com', freshIp()), /^Too many emails to this address\./, 3600);
    expect(await queued('email-change')).toBe(1);
  });

  it('console: over the account budget the form says so and how long to wait; nothing is queued', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_ACCOUNT', '1/3600');
    await signInConsoleAs('member');
    consoleIp = freshIp();
    expect(await requestEmailChangeAction(idleState, formData({ email: 'first@example.com' }))).toMatchObject({ status: 'success' });
    const state = await requestEmailChangeAction(idleState, formData({ email: 'second@example.com' }));
    expect(state).toMatchObject({ status: 'error', message: expect.stringMatching(/^Too many emails requested by this account\. Try again in \d+ seconds?\.$/), values: { email: 'second@example.com' } });
    expect(await queued('email-change')).toBe(1);
  });

  it('console: over the IP budget the form says so', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_IP', '1/3600');
    consoleIp = freshIp();
    await signInConsoleAs('member');
    expect(await requestEmailChangeAction(idleState, formData({ email: 'mine@example.com' }))).toMatchObject({ status: 'success' });
    await signInConsoleAs('member');
    expect(await requestEmailChangeAction(idleState, formData({ email: 'yours@example.com' }))).toMatchObject({ status: 'error', message: expect.stringMatching(/^Too many emails requested from this network\./) });
    expect(await queued('email-change')).toBe(1);
  });
});

describe('invitations', () => {
  it('API: creating and resending share the key’s budget; over it, 429 with Retry-After and no email', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_ACCOUNT', '2/3600');
    const key = await apiKeyFor(await db(), ['users:write']);
    const created = await post(invitationsRoute, '/api/v1/invitations', { body: { email: 'invitee@example.com' }, headers: { ...key.headers, ...fromClient(freshIp()) } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const resend = () => post(resendRoute, `/api/v1/invitations/${id}/resend`, { headers: { ...key.headers, ...fromClient(freshIp()) }, params: { id } });
    expect((await resend()).status).toBe(200);
    const [before] = await (await db()).select().from(invitations).where(eq(invitations.id, id));

    await expectSpent(await resend(), /^Too many emails requested by this account\./, 3600);
    await expectSpent(await post(invitationsRoute, '/api/v1/invitations', { body: { email: 'another@example.com' }, headers: key.headers }), /by this account/, 3600);
    expect(await queued('invitation')).toBe(2);
    // The refused resend changed nothing: the link sent last still works.
    expect((await (await db()).select().from(invitations).where(eq(invitations.id, id)))[0]!.tokenHash).toBe(before!.tokenHash);
    // Another key is not held back.
    const other = await apiKeyFor(await db(), ['users:write']);
    expect((await post(invitationsRoute, '/api/v1/invitations', { body: { email: 'another@example.com' }, headers: other.headers })).status).toBe(201);
  });

  it('API: limited per client IP across keys', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_IP', '1/3600');
    const ip = freshIp();
    const invite = async (email: string) => post(invitationsRoute, '/api/v1/invitations', { body: { email }, headers: { ...(await apiKeyFor(await db(), ['users:write'])).headers, ...fromClient(ip) } });
    expect((await invite('first@example.com')).status).toBe(201);
    await expectSpent(await invite('second@example.com'), /from this network/, 3600);
    expect(await queued('invitation')).toBe(1);
  });

  it('console: over the budget, creating and resending say so in the form and send nothing', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_ACCOUNT', '1/3600');
    await signInConsoleAs('admin');
    consoleIp = freshIp();
    expect(await createInvitationAction(idleState, formData({ email: 'team@example.com', role: 'member' }))).toMatchObject({ status: 'success' });
    const [invitation] = await (await db()).select().from(invitations);
    expect(await resendInvitationAction(idleState, formData({ id: invitation!.id }))).toMatchObject({ status: 'error', message: expect.stringMatching(/^Too many emails requested by this account\. Try again in/) });
    expect(await createInvitationAction(idleState, formData({ email: 'more@example.com', role: 'member' }))).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^Too many emails requested by this account\./),
      values: { email: 'more@example.com', role: 'member' },
    });
    expect(await queued('invitation')).toBe(1);
    expect(await (await db()).select().from(invitations)).toHaveLength(1);
  });
});

describe('sign-up verification', () => {
  const signUp = (email: string, ip: string) =>
    post(authRoute as never, '/api/auth/sign-up/email', { body: { email, password: 'a-long-enough-password', name: 'Self Starter' }, headers: fromClient(ip) });
  const verificationsTo = async (email: string) => (await (await db()).select().from(mailOutbox).where(and(eq(mailOutbox.kind, 'email-verification'), eq(mailOutbox.recipient, email)))).length;

  it('over the IP budget the account is still created, unverified, with no link queued, and the log says so', async () => {
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_IP', '1/3600');
    const warn = vi.spyOn(logger, 'warn');
    const ip = freshIp();
    expect((await signUp('first@example.com', ip)).status).toBe(200);
    expect(await verificationsTo('first@example.com')).toBe(1);

    expect((await signUp('second@example.com', ip)).status).toBe(200);
    const [second] = await (await db()).select().from(users).where(eq(users.email, 'second@example.com'));
    expect(second).toMatchObject({ emailVerified: false, status: 'active' });
    expect(await verificationsTo('second@example.com')).toBe(0);
    expect(warn).toHaveBeenCalledWith(
      { userId: second!.id, limit: 'Too many emails requested from this network.' },
      'sign-up: send limit reached, so no verification email was queued; the account stays unverified',
    );

    expect((await signUp('elsewhere@example.com', freshIp())).status).toBe(200);
    expect(await verificationsTo('elsewhere@example.com')).toBe(1);
  });
});

const testRedisUrl = process.env.TEST_REDIS_URL;

describe.skipIf(!testRedisUrl)(`the budgets are shared by every instance [${testRedisUrl ? 'redis' : 'redis: skipped because TEST_REDIS_URL is not set'}]`, () => {
  it('counts in the configured store, so a budget spent through one instance is spent for another', async () => {
    vi.stubEnv('ROSTER_REDIS_URL', testRedisUrl!);
    vi.stubEnv('ROSTER_MAIL_RATE_LIMIT_ACCOUNT', '2/3600');
    const store = await rateLimitStore();
    if (store.kind !== 'redis') throw new Error('expected the Redis store');
    const other = new Redis(testRedisUrl!, { enableOfflineQueue: false });
    try {
      await Promise.all([store.client, other].map((client) => (client.status === 'ready' ? undefined : new Promise((resolve) => client.once('ready', resolve)))));
      const account = `user:${crypto.randomUUID()}`;
      // Another instance: its own connection to the same Redis, counting the same budget as Roster does.
      const otherInstance = limiterOn({ kind: 'redis', client: other }, { keyPrefix: 'mail', points: 2, duration: 3600 });
      expect(await mailSendLimits.spend('account', account)).toBeNull();
      await otherInstance.consume(`account:${account}`);
      expect(await mailSendLimits.spend('account', account)).toBeGreaterThan(0);
    } finally {
      other.disconnect();
      store.client.disconnect();
    }
  });
});
