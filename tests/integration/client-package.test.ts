import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRosterClient,
  RosterProblem,
  rosterJwtVerifier,
  rosterProxy,
  subscribeEvents,
  unwrap,
  verifyWebhook,
  WebhookVerificationError,
  type RosterClient,
  type RosterEventOf,
} from '@roster/client';
import { killStartedServers, npmStart, serverDatabase, signInOwner, type ProductionServer, type ServerDatabase } from '../support/production-server';
import { until } from '../support/until';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// @roster/client (packages/client) against the real production server (`npm start`), as an integrator uses it.

const root = path.resolve(import.meta.dirname, '../..');
let database: ServerDatabase;
let server: ProductionServer;
let token: string;
let client: RosterClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  database = await serverDatabase('pglite');
  server = await npmStart(database.env);
  token = await signInOwner(server.origin);
  client = createRosterClient({ baseUrl: server.origin, token });
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  killStartedServers();
  await database?.remove();
});

/** Creates a user through the client and returns it. */
const createUser = (email: string) => unwrap(client.POST('/api/v1/users', { body: { email, name: email.split('@')[0]!, role: 'viewer' } }));

/** A subscription's events of one type as they arrive, and the subscription. */
function collect(options: { lastEventId?: string } = {}) {
  const received: RosterEventOf<'user.created'>[] = [];
  const subscription = subscribeEvents({ baseUrl: server.origin, token, types: ['user.created'], ...options, onEvent: (event) => received.push(event) });
  return { received, subscription };
}

describe('@roster/client against a running Roster', () => {
  it('makes typed calls, and turns a refusal into a typed problem', async () => {
    const user = await createUser('ada@client.test');
    expect(user).toMatchObject({ email: 'ada@client.test', role: 'viewer', version: 1 });
    expect(await unwrap(client.GET('/api/v1/users/{id}', { params: { path: { id: user.id } } }))).toEqual(user);

    const refused = await unwrap(client.POST('/api/v1/users', { body: { email: 'not an email', name: 'x', role: 'viewer' } })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RosterProblem);
    const problem = refused as RosterProblem;
    expect(problem).toMatchObject({ type: 'urn:roster:problem:validation-failed', status: 422 });
    expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/email' })]));
    expect(problem.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const anonymous = await unwrap(createRosterClient({ baseUrl: server.origin }).GET('/api/v1/users', {})).catch((error: unknown) => error);
    expect(anonymous).toMatchObject({ status: 401, type: 'urn:roster:problem:unauthenticated' });
  });

  it('streams events of the types asked for, and resumes after the last one with Last-Event-ID', async () => {
    const first = collect();
    const grace = await createUser('grace@client.test');
    await unwrap(client.PATCH('/api/v1/users/{id}', { params: { path: { id: grace.id } }, body: { name: 'Grace' } })); // user.updated: not asked for
    const [created] = await until('the user.created event', () => first.received.find((event) => event.subject?.id === grace.id) && first.received);
    expect(created).toMatchObject({ type: 'user.created', subject: { type: 'user', id: grace.id } });
    expect(first.received.every((event) => event.type === 'user.created')).toBe(true);
    const resumeAfter = first.subscription.lastEventId!;
    expect(resumeAfter).toBe(first.received.at(-1)!.position);
    first.subscription.close();

    // Missed while disconnected: a new subscription from the stored id gets exactly what came after it.
    const missed = await createUser('hopper@client.test');
    const resumed = collect({ lastEventId: resumeAfter });
    await until('the missed event', () => resumed.received.length > 0);
    resumed.subscription.close();
    expect(resumed.received.map((event) => event.subject?.id)).toEqual([missed.id]);
  });

  it('verifies a webhook Roster delivered, and refuses one signed with another secret or altered', async () => {
    const endpoint = await unwrap(client.POST('/api/v1/webhook-endpoints', { body: { url: receiver.url, events: ['user.created'] } }));
    const user = await createUser('lin@client.test');
    const delivered = await until('the delivery', () => receiver.received.find((webhook) => webhook.body.includes(user.id)));

    const event = verifyWebhook(endpoint.secret, delivered.body, delivered.headers);
    expect(event).toMatchObject({ type: 'user.created', subject: { type: 'user', id: user.id } });
    expect(verifyWebhook(endpoint.secret, delivered.body, new Headers(delivered.headers)).id).toBe(event.id);

    const otherSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(() => verifyWebhook(otherSecret, delivered.body, delivered.headers)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(endpoint.secret, delivered.body.replace('lin@', 'eve@'), delivered.headers)).toThrow(WebhookVerificationError);
  });

  it("verifies Roster's JWTs against its JWKS for a Next.js proxy, and refuses a tampered one", async () => {
    const response = await fetch(`${server.origin}/api/auth/token`, { headers: { authorization: `Bearer ${token}` } });
    const { token: jwt } = (await response.json()) as { token: string };
    const me = await unwrap(client.GET('/api/v1/me', {}));
    expect(await rosterJwtVerifier({ rosterUrl: server.origin })(jwt)).toMatchObject({ sub: me.id, email: me.email, iss: server.origin });

    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-7000-8000-000000000000' })).toString('base64url')}.${signature}`;
    await expect(rosterJwtVerifier({ rosterUrl: server.origin })(tampered)).rejects.toThrow(/signature/);

    const proxy = rosterProxy({ rosterUrl: server.origin, cookie: 'roster_jwt', signInUrl: '/sign-in' });
    const page = 'https://app.example.com/dashboard?tab=1';
    expect(await proxy(new Request(page, { headers: { authorization: `Bearer ${jwt}` } }))).toBeUndefined();
    expect(await proxy(new Request(page, { headers: { cookie: `theme=dark; roster_jwt=${jwt}` } }))).toBeUndefined();
    const redirected = await proxy(new Request(page, { headers: { cookie: `roster_jwt=${tampered}` } }));
    expect(redirected?.status).toBe(303);
    expect(redirected?.headers.get('location')).toBe('https://app.example.com/sign-in?next=%2Fdashboard%3Ftab%3D1');

    const refused = await rosterProxy({ rosterUrl: server.origin })(new Request(page, { headers: { authorization: `Bearer ${tampered}` } }));
    expect(refused?.status).toBe(401);
    expect(await refused?.json()).toMatchObject({ status: 401, type: 'urn:roster:problem:unauthenticated' });
  });
});

describe('the package as npm packs it', () => {
  it('builds to ESM with types that plain Node imports through its exports map', async () => {
    execFileSync('npm', ['run', 'build', '--workspace', '@roster/client'], { cwd: root, stdio: 'pipe' });
    expect(existsSync(path.join(root, 'packages/client/dist/index.d.ts'))).toBe(true);
    const exported = execFileSync('node', ['--input-type=module', '-e', "console.log(Object.keys(await import('@roster/client')).sort().join(','))"], { cwd: root, encoding: 'utf8' });
    expect(exported.trim()).toBe('RosterProblem,WebhookVerificationError,createRosterClient,isProblem,rosterJwtVerifier,rosterProxy,subscribeEvents,unwrap,verifyWebhook');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--workspace', '@roster/client'], { cwd: root, encoding: 'utf8' })) as { files: { path: string }[] }[];
    const files = packed[0]!.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/openapi-types.d.ts']));
    expect(files.filter((file) => file.startsWith('src/'))).toEqual([]);
  });
});
