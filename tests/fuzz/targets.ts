// The fuzzer's targets: one per operation of the OpenAPI document and one per Server Action of the build.
import fc from 'fast-check';
import { encodeActionCall } from '../../bench/next-protocol';
import { garbageBody, garbageContentType, garbageHeaderValue, garbageMethod, hostileText, pathSegment, valueFor, type JsonSchema } from './inputs';
import { ownerEmail, type World } from './world';

export interface RequestSpec {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Target {
  name: string;
  requests: fc.Arbitrary<RequestSpec | Promise<RequestSpec>>;
  /** The users an accepted (2xx) request was entitled to change. */
  acceptedIds(spec: RequestSpec, response: Response, text: string): string[];
}

interface OperationObject {
  parameters?: { name: string; in: string; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

/** Targets for every operation in the document: structured requests from its schemas, and garbage. */
export function apiTargets(openApi: object, world: World): Target[] {
  const document = openApi as { paths?: Record<string, Record<string, OperationObject>> };
  const resolve = (ref: string) => ref.replace(/^#\//, '').split('/').reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, document as never) as JsonSchema;
  const credential = fc.constantFrom<string | undefined>(
    ...Object.values(world.credentials).map((token) => `Bearer ${token}`),
    undefined,
    'Bearer rst_not-a-real-key',
    'Basic Zm9vOmJhcg==',
  );
  return Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
    Object.entries(item).map(([method, operation]): Target => {
      const pathFor = fc.array(pathSegment(world.victims), { minLength: 1, maxLength: 1 }).map(([segment]) => template.replace('{id}', segment!));
      const query = fc.record(
        Object.fromEntries((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, valueFor(p.schema, resolve).map(text)])),
        { requiredKeys: [] },
      );
      const headerParams = fc.record(
        Object.fromEntries(
          (operation.parameters ?? []).filter((p) => p.in === 'header').map((p) => [p.name.toLowerCase(), fc.oneof(fc.uuid().map((id) => `"${id}"`), fc.constantFrom('"1"', '"2"'), garbageHeaderValue)]),
        ),
        { requiredKeys: [] },
      );
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      const structured = fc
        .record({
          path: pathFor,
          query,
          headers: headerParams,
          authorization: credential,
          body: bodySchema ? valueFor(bodySchema, resolve).map((value) => JSON.stringify(value)) : fc.constant(undefined),
          contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: garbageContentType }),
        })
        .map(({ path, query, headers, authorization, body, contentType }): RequestSpec => {
          const search = new URLSearchParams(query as Record<string, string>).toString();
          return {
            method: method.toUpperCase(),
            path: `${path}${search ? `?${search}` : ''}`,
            headers: { ...(headers as Record<string, string>), ...(authorization ? { authorization } : {}), ...(body !== undefined && contentType ? { 'content-type': contentType } : {}) },
            ...(body !== undefined ? { body } : {}),
          };
        });
      const garbage = fc
        .record({ method: garbageMethod, path: pathFor, suffix: fc.constantFrom('', '/', '/x', '%', '?%zz=%', '?limit=%ff&limit=2', '//'), authorization: credential, contentType: garbageContentType, body: garbageBody })
        .map(({ method, path, suffix, authorization, contentType, body }): RequestSpec => ({
          method,
          path: `${path}${suffix}`,
          headers: { ...(authorization ? { authorization } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
          body,
        }));
      return {
        name: `${method.toUpperCase()} ${template}`,
        requests: fc.oneof(structured, garbage),
        acceptedIds: (spec, response, body) => {
          if (!response.ok || spec.method === 'GET' || spec.method === 'HEAD' || spec.method === 'OPTIONS') return [];
          // What the request named (`/users/{id}/sessions` acts on the user) and what it made (the answer's id).
          return [...spec.path.split('?')[0]!.split('/').map(decodedSegment), ...answeredId(body)];
        },
      };
    }),
  );
}

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function answeredId(body: string): string[] {
  try {
    const { id } = JSON.parse(body) as { id?: unknown };
    return typeof id === 'string' ? [id] : [];
  } catch {
    return [];
  }
}

interface ManifestEntry {
  workers: Record<string, unknown>;
  exportedName: string;
}

// Form fields with values that can never succeed (unknown ids, invalid or taken emails, wrong passwords, no valid
// scope), so every Server Action request here must be refused, and the database must not change at all.
const refusedField = fc.oneof(
  fc.record({ name: fc.constant('id'), value: fc.oneof(fc.uuid(), hostileText) }),
  fc.record({ name: fc.constant('version'), value: fc.oneof(fc.integer().map(String), hostileText) }),
  fc.record({ name: fc.constant('email'), value: fc.oneof(fc.constant(ownerEmail), fc.constant('not-an-email'), hostileText) }),
  fc.record({ name: fc.constantFrom('name', 'next', 'expiresAt'), value: hostileText }),
  fc.record({ name: fc.constant('role'), value: fc.oneof(fc.constantFrom('member', 'viewer', 'admin', 'owner'), hostileText) }),
  fc.record({ name: fc.constant('status'), value: fc.oneof(fc.constantFrom('active', 'suspended'), hostileText) }),
  fc.record({ name: fc.constantFrom('password', 'currentPassword', 'newPassword', 'confirmPassword'), value: fc.oneof(fc.string({ minLength: 10 }), hostileText) }),
  fc.record({ name: fc.constant('scopes'), value: hostileText }),
);

/** Targets for every Server Action in the build: React-encoded calls with refused form fields, and garbage posts. */
export async function actionTargets(manifest: { node: Record<string, ManifestEntry> }, world: World): Promise<Target[]> {
  return Object.entries(manifest.node).map(([id, entry]): Target => {
    const worker = Object.keys(entry.workers)[0]!;
    const page = worker.replace(/^app/, '').replace(/\/page$/, '').replace(/\/\([^)]+\)/g, '').replace(/\[[^\]]+\]/g, world.victims[0]!) || '/';
    const base = {
      accept: 'text/x-component',
      origin: world.server.origin,
      // Signing out is a change whatever the body: that one is posted without a session.
      ...(entry.exportedName === 'signOutAction' ? {} : { cookie: world.ownerCookie }),
    };
    const actionHeader = fc.oneof({ weight: 19, arbitrary: fc.constant(id) }, { weight: 1, arbitrary: fc.constantFrom('00', 'x'.repeat(42), '') });
    const structured = fc
      .record({ fields: fc.array(refusedField, { maxLength: 8 }), fromForm: fc.boolean(), action: actionHeader })
      .map(async ({ fields, fromForm, action }): Promise<RequestSpec> => {
        const { contentType, body } = await encodeActionCall(id, fields.map(({ name, value }) => [name, value]), fromForm);
        return { method: 'POST', path: page, headers: { ...base, 'next-action': action, 'content-type': contentType }, body };
      });
    const garbage = fc
      .record({
        action: actionHeader,
        contentType: garbageContentType,
        body: fc.oneof(garbageBody, fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }).map((args) => JSON.stringify(args))),
      })
      .map(({ action, contentType, body }): RequestSpec => ({
        method: 'POST',
        path: page,
        headers: { ...base, 'next-action': action, ...(contentType ? { 'content-type': contentType } : {}) },
        body,
      }));
    return { name: `action ${entry.exportedName} (${page})`, requests: fc.oneof(structured, garbage), acceptedIds: () => [] };
  });
}
