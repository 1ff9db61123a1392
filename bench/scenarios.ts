// The scenarios: one operation, several doors. Each door turns "the next request" into exactly what its real
// client sends, and knows how to check a response and read back its effect.
import { credentials } from './auth';
import type { Fixture, SeededUser } from './database';
import { textOf, type HttpResult, type RequestSpec } from './http';
import type { ScenarioName } from './options';
import type { Reader } from './readers';
import { ActionBodyTemplate, actionId, routerStateTree, rscSearchParam } from './next-protocol';

/** One request of a door, with what it takes to prove it did its job. */
export interface Call {
  spec: RequestSpec;
  /** Checks a sampled response beyond its 2xx status (body, headers). Throws on a mismatch. */
  checkResponse(result: HttpResult): void;
  /**
   * Reads back, through the server, that the request's effect is there. Throws if not. Under concurrent load a
   * server may apply two requests to the same user in another order than it answers them, so a concurrent run
   * passes all the calls it sent: the stored value must then be one of those it sent to that user.
   */
  verifyEffect(sameRun?: readonly Call[]): Promise<void>;
  /** What an update call writes where, for the check above. */
  writes?: { id: string; name: string };
  /** A second request the client sends once the first is answered (a PATCH, then router.refresh()'s fetch). */
  then?: { spec: RequestSpec; checkResponse(result: HttpResult): void };
}

export type DoorKey = 'action' | 'action-no-revalidation' | 'route' | 'route-refresh' | 'raw' | 'noop-route' | 'noop-action' | 'page-rsc' | 'page-html' | 'route-member' | 'raw-member' | 'noop-raw';

export interface Door {
  key: DoorKey;
  label: string;
  origin: string;
  /** 2 when every call is a request and its follow-up (Call.then): a call is then one round trip of both. */
  requestsPerCall?: 2;
  next(): Call;
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** What one request does, for the report. */
  operation: string;
  doors: Door[];
  /**
   * Set when every request consumes a pre-created user (delete): concurrent runs then send a fixed number of
   * requests, sized to last about the run duration, at most this many.
   */
  maxRequestsPerRun?: number;
  /** Cost ratios to report, first door over the second or over the sum of several (> 1: the first is slower). */
  ratios: DoorRatio[];
}

/**
 * One side of a ratio: a door, a sum of doors (raw floor + no-op door), or a sum less doors whose work each summand
 * pays once (the empty node:http answer inside both the raw floor and Next's no-op).
 */
export type Term = DoorKey | DoorKey[] | { sum: DoorKey[]; less: DoorKey[] };
/** A door's cost over another's. */
export type DoorRatio = [Term, Term];

export interface ScenarioContext {
  nextOrigin: string;
  rawOrigin: string;
  nextReader: Reader;
  rawReader: Reader;
  fixture: Fixture;
  /** Deletable users, one disjoint slice per delete door. */
  deletableSlices: Record<'action' | 'route' | 'raw', SeededUser[]>;
  deleteMaxRequests: number;
  /** Makes emails and names unique to this bench invocation (BENCH_DATABASE_URL may be reused). */
  token: string;
}

export const doorLabels: Record<DoorKey, string> = {
  action: 'Server Action',
  'action-no-revalidation': 'Server Action, no updateTag',
  route: 'Route Handler',
  'route-refresh': 'PATCH, then router.refresh()',
  raw: 'raw node:http floor',
  'noop-route': 'no-op Route Handler',
  'noop-action': 'no-op Server Action',
  'page-rsc': 'console page, RSC navigation',
  'page-html': 'console page, HTML document',
  'route-member': 'Route Handler, a member’s bearer',
  'raw-member': 'raw node:http floor, a member’s bearer',
  'noop-raw': 'no-op node:http',
};

const actionsFile = 'app/(console)/users/actions.ts';
const userPage = 'app/(console)/users/[id]/page';
const newUserPage = 'app/(console)/users/new/page';
// The bench build's own page and actions (app/bench/, bench/build.ts).
const benchActionsFile = 'app/bench/actions.bench.ts';
const benchPage = { file: 'app/bench/page', path: '/bench' };
const noopRoutePath = '/api/bench/noop';
/**
 * What any Route Handler reading the first page costs at least: the core's work (the raw floor) and Next's empty
 * handler, less the empty node:http answer both of them include.
 */
export const readFloor = { sum: ['raw', 'noop-route'], less: ['noop-raw'] } satisfies Term;
const expectNoContent = (result: HttpResult) => expect(result.status === 204, `expected 204, got ${result.status}`);

// Every client here accepts compressed responses, as browsers and HTTP libraries do; Next compresses, the raw floor doesn't.
const common = { 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'roster-bench' };
const jsonHeaders = () => ({ ...common, accept: 'application/json', 'content-type': 'application/json', ...credentials.api });
const actionHeaders = (origin: string, id: string, tree: string, contentType: string) => ({
  ...common,
  accept: 'text/x-component',
  'next-action': id,
  'next-router-state-tree': tree,
  origin,
  'content-type': contentType,
  ...credentials.console,
});

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const jsonOf = <T>(result: HttpResult) => JSON.parse(textOf(result)) as T;
const nothingToVerify = async () => {};
/** The JSON of every update request: the same four fields the edit form sends. */
const patchBody = (target: SeededUser, name: string) => JSON.stringify({ email: target.email, name, role: target.role, status: target.status });
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Round-robin over the update targets, each door from its own offset; names unique per scenario, door and request. */
function renamer(ctx: ScenarioContext, scenario: ScenarioName, door: DoorKey, offset: number) {
  const targets = ctx.fixture.updateTargets;
  let n = 0;
  return () => {
    n += 1;
    return { target: targets[(offset + n) % targets.length]!, name: `Bench ${ctx.token} ${scenario} ${door} ${n}` };
  };
}

/** The read-back check of every update door (see Call.verifyEffect). */
function verifyRenamed(reader: Reader, id: string, name: string) {
  return async (sameRun?: readonly Call[]) => {
    const stored = await reader.user(id);
    expect(stored, `updated user ${id} is gone`);
    const acceptable = sameRun ? sameRun.flatMap((call) => (call.writes?.id === id ? [call.writes.name] : [])) : [name];
    expect(acceptable.includes(stored.name), `user ${id} is named "${stored.name}", expected "${name}"${sameRun ? ' or another name this run sent it' : ''}`);
  };
}

export async function updateDoors(ctx: ScenarioContext, scenario: ScenarioName, keys: DoorKey[]): Promise<Door[]> {
  // The edit form's fields in the order the browser posts them (the version field is left out: see the report).
  const formFields = [
    ['id', 'id'],
    ['email', 'email'],
    ['name', 'name'],
    ['role', 'role'],
    ['status', 'status'],
  ] as const;
  // router.refresh()'s `_rsc` parameter hashes its headers, and so depends on the target: computed up front, since next() is synchronous.
  const refreshSearchParams = new Map<string, string>();
  if (keys.includes('route-refresh')) {
    for (const target of ctx.fixture.updateTargets) {
      const tree = routerStateTree.userPageRefresh(target.id);
      refreshSearchParams.set(tree, await rscSearchParam(tree));
    }
  }
  const doors: Door[] = [];
  for (const [index, key] of keys.entries()) {
    const nextName = renamer(ctx, scenario, key, index * Math.floor(ctx.fixture.updateTargets.length / keys.length));
    /** Adds this key's door: each call renames the next target, with the request `call` builds for it. */
    const renamingDoor = (origin: string, call: (target: SeededUser, name: string) => Call, extra: Partial<Door> = {}) =>
      doors.push({
        key,
        label: doorLabels[key],
        origin,
        ...extra,
        next() {
          const { target, name } = nextName();
          return call(target, name);
        },
      });
    if (key === 'action' || key === 'action-no-revalidation' || key === 'noop-action') {
      // The console's action runs on the user's page, whose form posts it; the bench's own on the bench page.
      const [file, exportedName, page] =
        key === 'action'
          ? [actionsFile, 'updateUserAction', userPage]
          : [benchActionsFile, key === 'noop-action' ? 'benchNoopAction' : 'benchUpdateUserWithoutRevalidationAction', benchPage.file];
      const id = actionId(file, exportedName, page);
      const template = await ActionBodyTemplate.create(id, formFields, true);
      renamingDoor(ctx.nextOrigin, (target, name) => {
        const [path, tree] = key === 'action' ? [`/users/${target.id}`, routerStateTree.userPage(target.id)] : [benchPage.path, routerStateTree.benchPage];
        return {
          spec: {
            method: 'POST',
            path,
            headers: actionHeaders(ctx.nextOrigin, id, tree, template.contentType),
            // The no-op gets the update's body too: Next decodes the same call, and the action ignores it.
            body: template.render({ id: target.id, email: target.email, name, role: target.role, status: target.status }),
          },
          checkResponse(result) {
            const text = textOf(result);
            expect(result.headers['content-type']?.startsWith('text/x-component'), `expected a Flight response, got ${result.headers['content-type']}`);
            const reported = key === 'noop-action' ? 'Nothing done.' : 'Changes saved.';
            expect(text.includes(reported), `the action did not report "${reported}": ${text.slice(0, 300)}`);
            if (key === 'action') {
              // updateTag makes Next re-render the page in the same response, with the new name (read-your-own-writes).
              expect(text.includes(name), 'the re-rendered page does not show the new name');
            } else {
              expect(!text.includes(name) && result.headers['x-action-revalidated'] !== '1', `${doorLabels[key]} re-rendered a page`);
            }
          },
          verifyEffect: key === 'noop-action' ? nothingToVerify : verifyRenamed(ctx.nextReader, target.id, name),
          ...(key === 'noop-action' ? {} : { writes: { id: target.id, name } }),
        };
      });
    } else if (key === 'noop-route') {
      renamingDoor(ctx.nextOrigin, (target, name) => ({
        // The update's request, credentials and all, to a handler that reads none of it.
        spec: { method: 'PATCH', path: noopRoutePath, headers: jsonHeaders(), body: patchBody(target, name) },
        checkResponse: expectNoContent,
        verifyEffect: nothingToVerify,
      }));
    } else if (key === 'route-refresh') {
      renamingDoor(
        ctx.nextOrigin,
        (target, name) => {
          const stateTree = routerStateTree.userPageRefresh(target.id);
          return {
            // A console component would call the API with its session cookie; the bench's API key does the same work.
            spec: { method: 'PATCH', path: `/api/v1/users/${target.id}`, headers: jsonHeaders(), body: patchBody(target, name) },
            checkResponse(result) {
              const user = jsonOf<{ name: string }>(result);
              expect(user.name === name, `unexpected PATCH response ${JSON.stringify(user)}`);
            },
            then: {
              spec: {
                method: 'GET',
                path: `/users/${target.id}?_rsc=${refreshSearchParams.get(stateTree)}`,
                headers: { ...common, rsc: '1', 'next-router-state-tree': stateTree, ...credentials.console },
              },
              checkResponse(result) {
                const text = textOf(result);
                expect(result.headers['content-type']?.startsWith('text/x-component'), `expected a Flight response, got ${result.headers['content-type']}`);
                // The user's page, though not necessarily with the new name: the Route Handler expires the cached
                // views with revalidateTag(tag, 'max'), stale-while-revalidate, where the action's updateTag reads its own write.
                expect(text.includes(target.email), 'the refreshed response is not the user’s page');
              },
            },
            verifyEffect: verifyRenamed(ctx.nextReader, target.id, name),
            writes: { id: target.id, name },
          };
        },
        { requestsPerCall: 2 },
      );
    } else if (key === 'route' || key === 'raw') {
      const origin = key === 'route' ? ctx.nextOrigin : ctx.rawOrigin;
      const base = key === 'route' ? '/api/v1/users' : '/users';
      const reader = key === 'route' ? ctx.nextReader : ctx.rawReader;
      renamingDoor(origin, (target, name) => ({
        spec: { method: 'PATCH', path: `${base}/${target.id}`, headers: jsonHeaders(), body: patchBody(target, name) },
        checkResponse(result) {
          const user = jsonOf<{ name: string; version: number }>(result);
          expect(user.name === name && user.version > 1, `unexpected PATCH response ${JSON.stringify(user)}`);
        },
        verifyEffect: verifyRenamed(reader, target.id, name),
        writes: { id: target.id, name },
      }));
    }
  }
  return doors;
}

async function createDoors(ctx: ScenarioContext): Promise<Door[]> {
  const id = actionId(actionsFile, 'createUserAction', newUserPage);
  const formFields = [
    ['email', 'email'],
    ['name', 'name'],
    ['role', { literal: 'member' }],
    ['status', { literal: 'active' }],
  ] as const;
  const template = await ActionBodyTemplate.create(id, formFields, true);
  const newUser = (key: DoorKey) => {
    let n = 0;
    return () => {
      n += 1;
      return { email: `bench.${key}.${ctx.token}.${n}@example.com`, name: `Bench Created ${ctx.token} ${n}` };
    };
  };

  const action = newUser('action');
  const doors: Door[] = [
    {
      key: 'action',
      label: doorLabels.action,
      origin: ctx.nextOrigin,
      next() {
        const { email, name } = action();
        let createdId: string | undefined;
        return {
          spec: {
            method: 'POST',
            path: '/users/new',
            headers: actionHeaders(ctx.nextOrigin, id, routerStateTree.newUserPage, template.contentType),
            body: template.render({ email, name }),
          },
          checkResponse(result) {
            // redirect() in a fetch action: 200, the target in x-action-redirect, and the target page's payload.
            const redirect = String(result.headers['x-action-redirect'] ?? '');
            const match = new RegExp(`^/users/(${uuid})\\?created=1;push$`).exec(redirect);
            expect(match, `expected x-action-redirect to the new user, got "${redirect}"`);
            createdId = match[1];
            expect(textOf(result).includes(email), 'the redirect target page is not in the response');
          },
          async verifyEffect() {
            const stored = createdId ? await ctx.nextReader.user(createdId) : await ctx.nextReader.userByEmail(email);
            expect(stored?.email === email, `created user ${email} is not there`);
          },
        };
      },
    },
  ];
  for (const key of ['route', 'raw'] as const) {
    const origin = key === 'route' ? ctx.nextOrigin : ctx.rawOrigin;
    const reader = key === 'route' ? ctx.nextReader : ctx.rawReader;
    const make = newUser(key);
    doors.push({
      key,
      label: doorLabels[key],
      origin,
      next() {
        const { email, name } = make();
        let createdId: string | undefined;
        return {
          spec: { method: 'POST', path: key === 'route' ? '/api/v1/users' : '/users', headers: jsonHeaders(), body: JSON.stringify({ email, name, role: 'member', status: 'active' }) },
          checkResponse(result) {
            expect(result.status === 201, `expected 201, got ${result.status}`);
            const user = jsonOf<{ id: string; email: string }>(result);
            expect(user.email === email, `unexpected POST response ${JSON.stringify(user)}`);
            createdId = user.id;
          },
          async verifyEffect() {
            const stored = createdId ? await reader.user(createdId) : await reader.userByEmail(email);
            expect(stored?.email === email, `created user ${email} is not there`);
          },
        };
      },
    });
  }
  return doors;
}

async function deleteDoors(ctx: ScenarioContext): Promise<Door[]> {
  const id = actionId(actionsFile, 'deleteUserAction', userPage);
  // DeleteButton builds this FormData itself (no form, so none of React's hidden $ACTION_ inputs).
  const template = await ActionBodyTemplate.create(
    id,
    [
      ['id', 'id'],
      ['email', 'email'],
      ['version', { literal: '1' }],
    ] as const,
    false,
  );
  const take = (key: 'action' | 'route' | 'raw') => {
    const slice = ctx.deletableSlices[key];
    let n = 0;
    return () => {
      const user = slice[n++];
      if (!user) throw new Error(`the ${key} door ran out of deletable users (${slice.length}): the pool is sized in bench/run.ts`);
      return user;
    };
  };
  const gone = (reader: Reader, userId: string) => async () => expect((await reader.user(userId)) === undefined, `deleted user ${userId} still exists`);

  const nextForAction = take('action');
  const doors: Door[] = [
    {
      key: 'action',
      label: doorLabels.action,
      origin: ctx.nextOrigin,
      next() {
        const user = nextForAction();
        return {
          spec: {
            method: 'POST',
            path: `/users/${user.id}`,
            headers: actionHeaders(ctx.nextOrigin, id, routerStateTree.userPage(user.id), template.contentType),
            body: template.render({ id: user.id, email: user.email }),
          },
          checkResponse(result) {
            const redirect = String(result.headers['x-action-redirect'] ?? '');
            expect(redirect.startsWith('/users?deleted='), `expected x-action-redirect to the list, got "${redirect}" ${textOf(result).slice(0, 200)}`);
          },
          verifyEffect: gone(ctx.nextReader, user.id),
        };
      },
    },
  ];
  for (const key of ['route', 'raw'] as const) {
    const nextUser = take(key);
    const reader = key === 'route' ? ctx.nextReader : ctx.rawReader;
    doors.push({
      key,
      label: doorLabels[key],
      origin: key === 'route' ? ctx.nextOrigin : ctx.rawOrigin,
      next() {
        const user = nextUser();
        return {
          // If-Match carries the version the action's form carries, so the core does the same check.
          spec: { method: 'DELETE', path: `${key === 'route' ? '/api/v1/users' : '/users'}/${user.id}`, headers: { ...jsonHeaders(), 'if-match': '"1"' } },
          checkResponse: expectNoContent,
          verifyEffect: gone(reader, user.id),
        };
      },
    });
  }
  return doors;
}

async function readDoors(ctx: ScenarioContext): Promise<Door[]> {
  const [nextIds, rawIds] = await Promise.all([ctx.nextReader.firstPageIds(), ctx.rawReader.firstPageIds()]);
  const containsAll = (ids: string[]) => (result: HttpResult) => {
    const text = textOf(result);
    const missing = ids.filter((id) => !text.includes(id));
    expect(missing.length === 0, `the first page lacks ${missing.length} of the ${ids.length} newest users`);
  };
  const sameItems = (ids: string[]) => (result: HttpResult) => {
    const items = jsonOf<{ items: { id: string }[] }>(result).items.map((item) => item.id);
    expect(JSON.stringify(items) === JSON.stringify(ids), 'the JSON first page differs from the newest users');
  };
  const navigation = { stateTree: routerStateTree.usersListNavigation, from: '/users/new' };
  const fixed = (key: DoorKey, origin: string, spec: RequestSpec, check: (result: HttpResult) => void): Door => ({
    key,
    label: doorLabels[key],
    origin,
    next: () => ({ spec, checkResponse: check, verifyEffect: nothingToVerify }),
  });
  return [
    fixed(
      'page-rsc',
      ctx.nextOrigin,
      {
        method: 'GET',
        // What a click on a link to /users fetches (copied from Chromium): the page's RSC payload only.
        path: `/users?_rsc=${await rscSearchParam(navigation.stateTree, navigation.from)}`,
        headers: { ...common, rsc: '1', 'next-router-state-tree': navigation.stateTree, 'next-url': navigation.from, ...credentials.console },
      },
      containsAll(nextIds),
    ),
    fixed('page-html', ctx.nextOrigin, { method: 'GET', path: '/users', headers: { ...common, accept: 'text/html', ...credentials.console } }, containsAll(nextIds)),
    fixed('route', ctx.nextOrigin, { method: 'GET', path: '/api/v1/users?limit=25', headers: jsonHeaders() }, sameItems(nextIds)),
    fixed('raw', ctx.rawOrigin, { method: 'GET', path: '/users?limit=25', headers: jsonHeaders() }, sameItems(rawIds)),
    // The same request to handlers that read none of it: what Next alone costs a GET, and what node:http alone does.
    fixed('noop-route', ctx.nextOrigin, { method: 'GET', path: noopRoutePath, headers: jsonHeaders() }, expectNoContent),
    fixed('noop-raw', ctx.rawOrigin, { method: 'GET', path: '/noop', headers: jsonHeaders() }, expectNoContent),
  ];
}

/**
 * The default page of one organization's members, the next organization each request (every door from its own
 * offset, so two doors do not read the same rows at the same moment). A page must hold exactly that organization's
 * seeded members, owner first. The API key's doors cycle through every organization; the member's doors, which send
 * a seeded end user's session token (so authorization costs their membership lookup), through that user's own.
 */
function membersDoors(ctx: ScenarioContext): Door[] {
  const { ids, membersPerOrganization, member } = ctx.fixture.organizations;
  if (ids.length === 0) throw new Error('the members scenario needs seeded organizations (bench/organizations.ts)');
  const checkPage = (orgId: string) => (result: HttpResult) => {
    expect(result.status === 200, `expected 200, got ${result.status} ${textOf(result).slice(0, 200)}`);
    const items = jsonOf<{ items: { organizationId: string; role: string }[] }>(result).items;
    expect(items.length === membersPerOrganization, `organization ${orgId} listed ${items.length} members, expected ${membersPerOrganization}`);
    expect(items.every((item) => item.organizationId === orgId) && items[0]?.role === 'owner', `organization ${orgId} listed someone else's members, or not its owner first`);
  };
  const door = (key: DoorKey, origin: string, prefix: string, organizations: string[], offset: number, headers: () => Record<string, string>): Door => {
    let n = offset;
    return {
      key,
      label: doorLabels[key],
      origin,
      next() {
        const orgId = organizations[n++ % organizations.length]!;
        return { spec: { method: 'GET', path: `${prefix}/organizations/${orgId}/members`, headers: headers() }, checkResponse: checkPage(orgId), verifyEffect: nothingToVerify };
      },
    };
  };
  const half = Math.floor(ids.length / 2);
  const doors = [door('route', ctx.nextOrigin, '/api/v1', ids, 0, jsonHeaders), door('raw', ctx.rawOrigin, '', ids, half, jsonHeaders)];
  if (member) {
    const memberHeaders = () => ({ ...jsonHeaders(), authorization: `Bearer ${member.bearer}` });
    const own = member.organizationIds;
    doors.push(door('route-member', ctx.nextOrigin, '/api/v1', own, 0, memberHeaders), door('raw-member', ctx.rawOrigin, '', own, Math.floor(own.length / 2), memberHeaders));
  }
  return doors;
}

export async function buildScenario(name: ScenarioName, ctx: ScenarioContext): Promise<Scenario> {
  switch (name) {
    case 'update':
      return {
        name,
        title: 'Update a user’s name',
        operation: 'rename one of 1,000 seeded users (round-robin); the action re-renders the user page (updateTag)',
        doors: await updateDoors(ctx, name, ['action', 'route', 'raw']),
        ratios: [
          ['action', 'route'],
          ['route', 'raw'],
          ['action', 'raw'],
        ],
      };
    case 'revalidation':
      return {
        name,
        title: 'Revalidation cost of the update action, and the bare action vs the Route Handler',
        operation:
          'the same rename through updateUserAction, through a copy without updateTag on the bench build’s own page (so Next renders nothing back: the action protocol alone), and through PATCH',
        doors: await updateDoors(ctx, name, ['action', 'action-no-revalidation', 'route']),
        ratios: [
          ['action', 'action-no-revalidation'],
          ['action-no-revalidation', 'route'],
        ],
      };
    case 'floors':
      return {
        name,
        title: 'Framework floors: the update minus Next, and Next minus Roster',
        operation:
          'the same rename through PATCH and through the action without updateTag, next to the raw floor (the core without Next) and the no-op Route Handler and Server Action (Next without Roster), which get the same request',
        doors: await updateDoors(ctx, name, ['route', 'action-no-revalidation', 'raw', 'noop-route', 'noop-action']),
        ratios: [
          ['route', ['raw', 'noop-route']],
          ['action-no-revalidation', ['raw', 'noop-action']],
        ],
      };
    case 'roundtrip':
      return {
        name,
        title: 'UI round trip: the edit form’s action vs PATCH + router.refresh()',
        operation:
          'rename a user and get its page back with the new name: the console’s updateUserAction (mutation and re-rendered page in one response) vs PATCH /api/v1/users/{id} followed by the RSC request router.refresh() sends for /users/{id}',
        doors: await updateDoors(ctx, name, ['action', 'route-refresh']),
        ratios: [['action', 'route-refresh']],
      };
    case 'create':
      return {
        name,
        title: 'Create a user',
        operation: 'create a user; the action redirects to the new user’s page, which Next renders into the same response',
        doors: await createDoors(ctx),
        ratios: [
          ['action', 'route'],
          ['route', 'raw'],
          ['action', 'raw'],
        ],
      };
    case 'delete':
      return {
        name,
        title: 'Delete a user',
        operation: 'delete a pre-created user (version checked); the action redirects to the list, which Next renders into the same response',
        doors: await deleteDoors(ctx),
        maxRequestsPerRun: ctx.deleteMaxRequests,
        ratios: [
          ['action', 'route'],
          ['route', 'raw'],
          ['action', 'raw'],
        ],
      };
    case 'read':
      return {
        name,
        title: 'Read the first page of users',
        operation:
          'the 25 newest users: the console page (its list comes from the data cache) vs GET /api/v1/users?limit=25 (database), next to the raw floor and the no-op Route Handler sent the same request',
        doors: await readDoors(ctx),
        ratios: [
          ['page-rsc', 'route'],
          ['page-html', 'route'],
          ['route', 'raw'],
          ['route', readFloor],
          [readFloor, 'raw'],
        ],
      };
    case 'members': {
      const { ids, membersPerOrganization } = ctx.fixture.organizations;
      return {
        name,
        title: 'List an organization’s members',
        operation:
          `GET /api/v1/organizations/{orgId}/members (the default page: all ${membersPerOrganization} members) vs the raw floor’s listMembers, round-robin over ` +
          `${ids.length.toLocaleString('en-US')} organizations with ${(ids.length * membersPerOrganization).toLocaleString('en-US')} memberships; the API key is on the staff plane (organizations:read), so no membership lookup; ` +
          `the member’s doors send a seeded end user’s session token (one primary-key lookup of their membership) and cycle through their ${(ctx.fixture.organizations.member?.organizationIds.length ?? 0).toLocaleString('en-US')} organizations`,
        doors: membersDoors(ctx),
        ratios: ctx.fixture.organizations.member
          ? [
              ['route', 'raw'],
              ['route-member', 'raw-member'],
              ['route-member', 'route'],
            ]
          : [['route', 'raw']],
      };
    }
  }
}
