import { asc, ne } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { POST as createViaApi } from '../../app/api/v1/users/route';
import { DELETE as deleteViaApi, PATCH as patchViaApi } from '../../app/api/v1/users/[id]/route';
import { createUserAction, deleteUserAction, updateUserAction } from '../../app/(console)/users/actions';
import { idleState } from '@/actions/action-state';
import { getDatabase } from '@/db';
import { auditEvents, users } from '@/db/schema';
import { formData, redirectTarget, redirectUrlOf } from '../support/actions';
import { truncateAll } from '../support/database';
import { queuedMail } from '../support/outbox';
import { bearerFor, consoleRequestHeaders, setConsoleCookie, type SignedInUser } from '../support/principals';

vi.mock('next/cache', () => ({ updateTag: vi.fn(), revalidateTag: vi.fn(), cacheTag: vi.fn() }));
vi.mock('next/headers', () => ({ headers: async () => consoleRequestHeaders() }));

/**
 * The owner who tells the story, signed in afresh for each door: through the API with their session token as a
 * bearer, through the console with their session cookie. Same email and name each time, so their row compares equal.
 */
let owner: SignedInUser;
async function signInOwner(): Promise<void> {
  owner = await bearerFor((await getDatabase()).db, 'owner', { email: 'owner@roster.example', name: 'Story Owner' });
  setConsoleCookie(owner.cookie);
}

type Fields = Record<string, string>;
/** What a door answered, in door-neutral terms: success (with the id) or the errors per field. */
type Outcome = { ok: true; id: string } | { ok: false; fieldErrors: Record<string, string> };

interface Door {
  name: 'api' | 'console';
  create(fields: Fields): Promise<Outcome>;
  update(id: string, version: number, fields: Fields): Promise<Outcome>;
  remove(id: string, email: string): Promise<Outcome>;
}

async function apiOutcome(response: Response, id?: string): Promise<Outcome> {
  if (response.ok) return { ok: true, id: id ?? ((await response.json()) as { id: string }).id };
  const problem = (await response.json()) as { errors?: { pointer: string; detail: string }[] };
  const fieldErrors: Record<string, string> = {};
  for (const error of problem.errors ?? []) fieldErrors[error.pointer.slice(1)] ??= error.detail;
  return { ok: false, fieldErrors };
}

const jsonRequest = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...owner.headers, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const apiDoor: Door = {
  name: 'api',
  create: async (fields) => apiOutcome(await createViaApi(jsonRequest('POST', '/api/v1/users', fields), { params: Promise.resolve({}) })),
  update: async (id, version, fields) =>
    apiOutcome(await patchViaApi(jsonRequest('PATCH', `/api/v1/users/${id}`, fields, { 'if-match': `"${version}"` }), { params: Promise.resolve({ id }) }), id),
  remove: async (id) => apiOutcome(await deleteViaApi(jsonRequest('DELETE', `/api/v1/users/${id}`), { params: Promise.resolve({ id }) }), id),
};

const consoleDoor: Door = {
  name: 'console',
  async create(fields) {
    try {
      const state = await createUserAction(idleState, formData(fields));
      return { ok: false, fieldErrors: state.fieldErrors ?? {} };
    } catch (error) {
      const url = redirectUrlOf(error); // success ends in redirect('/users/<id>?created=1')
      if (!url) throw error;
      return { ok: true, id: /^\/users\/([^?]+)/.exec(url)![1]! };
    }
  },
  async update(id, version, fields) {
    const state = await updateUserAction(idleState, formData({ ...fields, id, version }));
    return state.status === 'success' ? { ok: true, id } : { ok: false, fieldErrors: state.fieldErrors ?? {} };
  },
  async remove(id, email) {
    await redirectTarget(() => deleteUserAction(idleState, formData({ id, email })));
    return { ok: true, id };
  },
};

/** The same story through either door. */
async function runScenario(door: Door) {
  const outcomes: Outcome[] = [];
  const ada = await door.create({ email: 'Ada@Example.com', name: 'Ada Lovelace', role: 'admin', status: 'active' });
  const bob = await door.create({ email: 'bob@example.com', name: 'Bob', role: 'member', status: 'active' });
  outcomes.push(ada, bob);
  if (!ada.ok || !bob.ok) throw new Error(`${door.name}: setup failed`);

  outcomes.push(await door.create({ email: 'ADA@example.com', name: 'Duplicate', role: 'member', status: 'active' }));
  outcomes.push(await door.update(ada.id, 1, { email: 'ada.king@example.com', name: 'Ada King', role: 'owner', status: 'active' }));
  outcomes.push(await door.update(ada.id, 2, { email: 'bob@example.com', name: 'Ada King', role: 'owner', status: 'active' }));
  outcomes.push(await door.update(bob.id, 1, { email: 'bob@example.com', name: '', role: 'root', status: 'active' }));
  outcomes.push(await door.update(bob.id, 1, { email: 'bob@example.com', name: 'Bob', role: 'member', status: 'suspended' }));
  outcomes.push(await door.remove(bob.id, 'bob@example.com'));
  return outcomes.map((outcome) => (outcome.ok ? { ok: true } : outcome));
}

async function snapshot() {
  const { db } = await getDatabase();
  const userRows = await db
    .select({ email: users.email, emailVerified: users.emailVerified, name: users.name, role: users.role, status: users.status, plan: users.plan, version: users.version })
    .from(users)
    .orderBy(asc(users.email));
  // The owner's sign-in is the test's setup, not part of the scenario.
  const scenario = ne(auditEvents.action, 'user.signed-in');
  const events = await db
    .select({ actor: auditEvents.actor, action: auditEvents.action, changes: auditEvents.changes })
    .from(auditEvents)
    .where(scenario)
    .orderBy(asc(auditEvents.createdAt), asc(auditEvents.id));
  const doors = await db.selectDistinct({ door: auditEvents.door }).from(auditEvents).where(scenario);
  const actors = await db.selectDistinct({ actor: auditEvents.actor }).from(auditEvents).where(scenario);
  // The owner's id differs between the runs; who acted is checked against it, then compared as a role.
  const neutral = events.map((event) => ({ ...event, actor: event.actor === `user:${owner.userId}` ? 'user:<owner>' : event.actor }));
  const mail = (await queuedMail(db)).map(({ kind, recipient }) => ({ kind, recipient }));
  return { users: userRows, events: neutral, mail, doors: doors.map((row) => row.door), actors: actors.map((row) => row.actor) };
}

describe('parity between the console (Server Actions) and the API (Route Handlers)', () => {
  it('the same scenario ends in the same state, audit trail and failures through either door', async () => {
    const results = [];
    for (const door of [apiDoor, consoleDoor]) {
      await truncateAll((await getDatabase()).db);
      await signInOwner();
      const outcomes = await runScenario(door);
      const state = await snapshot();
      expect(state.doors).toEqual([door.name]);
      expect(state.actors).toEqual([`user:${owner.userId}`]);
      results.push({ outcomes, users: state.users, events: state.events, mail: state.mail });
    }
    const [api, consoleResult] = results;

    expect(consoleResult!.users).toEqual(api!.users);
    expect(consoleResult!.events).toEqual(api!.events);
    expect(consoleResult!.outcomes).toEqual(api!.outcomes);
    expect(consoleResult!.mail).toEqual(api!.mail);
    // And the story really exercised both success and failure paths.
    expect(api!.users).toEqual([
      { email: 'ada.king@example.com', emailVerified: false, name: 'Ada King', role: 'owner', status: 'active', plan: 'free', version: 2 },
      { email: 'owner@roster.example', emailVerified: false, name: 'Story Owner', role: 'owner', status: 'active', plan: 'free', version: 1 },
    ]);
    // The staff change of Ada's email told her old address and sent the new one a verification link.
    expect(api!.mail).toEqual([
      { kind: 'email-changed', recipient: 'ada@example.com' },
      { kind: 'email-verification', recipient: 'ada.king@example.com' },
    ]);
    expect(api!.events.map((event) => event.action)).toEqual(['user.created', 'user.created', 'user.updated', 'user.updated', 'user.deleted']);
    expect(api!.outcomes.filter((outcome) => !outcome.ok)).toEqual([
      { ok: false, fieldErrors: { email: 'A user with this email already exists' } },
      { ok: false, fieldErrors: { email: 'A user with this email already exists' } },
      { ok: false, fieldErrors: { name: 'Name is required', role: 'Role must be one of: member, viewer, admin, owner' } },
    ]);
  });
});
