import { count, eq, ne, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDatabase } from '@/db';
import { auditEvents, users } from '@/db/schema';
import { MAX_BODY_BYTES } from '@/http/json-body';
import { PATCH } from '../../app/api/v1/users/[id]/route';
import { POST } from '../../app/api/v1/users/route';
import { truncateAll } from '../support/database';
import { bearerFor, type SignedInUser } from '../support/principals';

// revalidateTag throws outside a Next.js request; the cache is not what these properties are about.
vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

const NUM_RUNS = 250;
/** The field-biased property is cheap (most bodies fail validation) and the one that finds storage bugs: run it more. */
const FIELD_BIASED_NUM_RUNS = 500;
const KNOWN_FIELDS = ['email', 'name', 'role', 'status'] as const;
const PROTECTED_FIELDS = ['id', 'version', 'plan', 'createdAt', 'updatedAt', 'created_at', 'updated_at'] as const;
const ROLES = ['member', 'viewer', 'admin', 'owner'] as const;
const STATUSES = ['active', 'suspended'] as const;

const db = async () => (await getDatabase()).db;

/**
 * Who sends every request: an owner, with their session token as the bearer, so that any role in a body is
 * allowed and each response is down to the body alone. Signed in again after each truncation.
 */
let owner: SignedInUser;
async function resetTables(): Promise<void> {
  const database = await db();
  await truncateAll(database);
  owner = await bearerFor(database, 'owner');
}

// Open (and migrate) the in-memory database up front, so its start-up cost is not charged to the first property.
beforeAll(async () => {
  await db();
});

// ---------------------------------------------------------------------------------------------------------
// Calling the route handlers the way Next.js does.

type Body = string | Uint8Array<ArrayBuffer>;

interface Call {
  method: 'POST' | 'PATCH';
  /** Route param for PATCH. */
  id?: string;
  body: Body;
  /** undefined: application/json; null: no Content-Type header set by us. */
  contentType?: string | null;
  ifMatch?: string;
}

async function send({ method, id, body, contentType, ifMatch }: Call): Promise<Response> {
  const headers = new Headers(owner.headers);
  if (contentType !== null) headers.set('content-type', contentType ?? 'application/json');
  if (ifMatch !== undefined) headers.set('if-match', ifMatch);
  if (method === 'POST') {
    const request = new Request('http://localhost/api/v1/users', { method, headers, body });
    return POST(request, { params: Promise.resolve({}) });
  }
  const request = new Request(`http://localhost/api/v1/users/${encodeURIComponent(id ?? '')}`, { method, headers, body });
  return PATCH(request, { params: Promise.resolve({ id: id ?? '' }) });
}

interface ProblemBody {
  type: unknown;
  title: unknown;
  status: unknown;
  errors?: { pointer?: string; detail: string }[];
}

const DOCUMENTED_STATUSES = { POST: [201, 400, 409, 413, 415, 422], PATCH: [200, 400, 404, 409, 412, 413, 415, 422] } as const;

/** The contract every response honours, whatever the body: no 5xx, a documented status, problem+json on error. */
async function expectWellFormedResponse(call: Call, response: Response): Promise<ProblemBody | undefined> {
  const text = await response.text();
  const describeCall = () =>
    `${call.method} ${call.id ?? ''} -> ${response.status} ${text.slice(0, 500)}\n` +
    `body: ${typeof call.body === 'string' ? JSON.stringify(call.body.slice(0, 500)) : `bytes[${call.body.byteLength}]`}`;

  expect(response.status, describeCall()).toBeLessThan(500);
  expect(DOCUMENTED_STATUSES[call.method] as readonly number[], describeCall()).toContain(response.status);
  if (response.ok) {
    expect(response.headers.get('content-type'), describeCall()).toMatch(/^application\/json/);
    return undefined;
  }
  expect(response.headers.get('content-type'), describeCall()).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as ProblemBody;
  expect(typeof problem.type, describeCall()).toBe('string');
  expect(typeof problem.title, describeCall()).toBe('string');
  expect(problem.status, describeCall()).toBe(response.status);
  return problem;
}

async function createFixtureUser(email = 'fixture@example.com'): Promise<string> {
  const response = await send({ method: 'POST', body: JSON.stringify({ email, name: 'Fixture User' }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries.

/**
 * A long run of one character. Serialises (toJSON) to the string itself but prints compactly in
 * fast-check counterexamples, which would otherwise be megabytes of text.
 */
class Huge {
  constructor(
    readonly char: string,
    readonly length: number,
  ) {}
  toJSON() {
    return this.char.repeat(this.length);
  }
  [fc.toStringMethod]() {
    return `Huge(${JSON.stringify(this.char)} x ${this.length})`;
  }
}
const huge = (maxLength: number) =>
  fc
    .tuple(
      fc.constantFrom('a', 'é', '😀', ' ', '\u0000', '\\', '"', '\ud800'),
      fc.constantFrom(201, 255, 5_000, 100_000, 300_000).filter((length) => length <= maxLength),
    )
    .map(([char, length]) => new Huge(char, length));

/** Serialises key/value pairs as a JSON object literally, so keys like `__proto__` survive as own keys. */
const objectText = (entries: readonly (readonly [string, unknown])[]) =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;

/**
 * Characters that tend to break storage, normalisation or comparison of otherwise valid text. NUL, the other
 * C0 controls and unpaired UTF-16 surrogates each get a quarter of the weight: they are the classic edge cases
 * for text and jsonb columns (PostgreSQL rejects NUL, and `\ud800` in JSON).
 */
const nastyChar = fc.oneof(
  fc.constant('\u0000'),
  fc.integer({ min: 0x01, max: 0x1f }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  fc.constantFrom(
    '\u007f',
    '\u0085',
    '\u00a0',
    '\u2028',
    '\u200b',
    '\u200e',
    '\u202e',
    '\ufeff',
    '\uffff',
    '😀',
    'é',
    'İ',
    'ß',
    '"',
    '\\',
    "'",
    '%',
    '_',
    '<',
    ' ',
  ),
);
const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) });

/** A valid value made slightly (or very) invalid: nasty characters inserted, padding, case changes, repetition. */
const perturbed = (valid: fc.Arbitrary<string>) => {
  const inserted = fc
    .tuple(valid, fc.array(nastyChar, { minLength: 1, maxLength: 3 }), fc.nat())
    .map(([value, chars, at]) => {
      const i = at % (value.length + 1);
      return value.slice(0, i) + chars.join('') + value.slice(i);
    });
  const padded = fc.tuple(valid, fc.array(nastyChar, { maxLength: 3 })).map(([value, chars]) => chars.join('') + value + chars.join(''));
  const upperCased = valid.map((value) => value.toUpperCase());
  const repeated = fc.tuple(valid, fc.constantFrom(2, 10, 60, 1_000)).map(([value, times]) => value.repeat(times));
  return fc.oneof({ weight: 4, arbitrary: inserted }, padded, upperCased, repeated);
};
/** A valid value, or one perturbed. */
const mutated = (valid: fc.Arbitrary<string>) => fc.oneof(valid, perturbed(valid));

const validEmail = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,15}$/), fc.constantFrom('example.com', 'Example.ORG'))
  .map(([local, domain]) => `${local}@${domain}`);
const validName = fc.stringMatching(/^[A-Za-z][A-Za-z .'-]{0,40}$/);
const validFieldValue = { email: validEmail, name: validName, role: fc.constantFrom(...ROLES), status: fc.constantFrom(...STATUSES) };
const validCreate = fc.record(validFieldValue, { requiredKeys: ['email', 'name'] });
const validPatch = fc.record(validFieldValue, { requiredKeys: [] });

/** Strings of every kind: ASCII, full unicode, graphemes, lone surrogates, near-valid field values, plausible constants. */
const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 3, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme' }) },
  { weight: 1, arbitrary: loneSurrogates },
  { weight: 2, arbitrary: fc.emailAddress() },
  { weight: 3, arbitrary: mutated(fc.oneof(validEmail, validName, fc.constantFrom(...ROLES, ...STATUSES))) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\t\n',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\u200b',
      'Ω',
      'fixture@example.com',
      'FIXTURE@example.com',
      'null',
      "'; DROP TABLE users; --",
      '%_\\',
      '__proto__',
    ),
  },
);

/** Any JSON value, biased towards nasty strings. `maxHuge` caps the long strings. */
const anyValue = (maxHuge: number) =>
  fc.oneof(
    { weight: 6, arbitrary: nastyString },
    { weight: 1, arbitrary: huge(maxHuge) },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e308, -1, 2 ** 53)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...KNOWN_FIELDS, 'value'), nastyString, { maxKeys: 3 }) },
  );

/** Per field: mostly a near-valid value for that field, sometimes anything at all. */
const fieldValue = (valid: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: mutated(valid) }, { weight: 2, arbitrary: anyValue(300_000) });

/** Objects with the real field names (and occasionally other keys), in any order. */
const fieldBiasedEntries = fc
  .tuple(
    fc.record(
      {
        email: fieldValue(validFieldValue.email),
        name: fieldValue(validFieldValue.name),
        role: fieldValue(validFieldValue.role),
        status: fieldValue(validFieldValue.status),
      },
      { requiredKeys: [] },
    ),
    fc.oneof(
      { weight: 4, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.array(
          fc.tuple(fc.oneof(fc.constantFrom(...PROTECTED_FIELDS, 'Email', 'NAME', 'email ', '__proto__', 'constructor'), fc.string()), anyValue(5_000)),
          { minLength: 1, maxLength: 2 },
        ),
      },
    ),
  )
  .chain(([known, extra]) => {
    const all: [string, unknown][] = [...Object.entries(known), ...extra];
    return fc.shuffledSubarray(all, { minLength: all.length });
  });

/** A body that is valid except for exactly one field, so the bad value gets as far as it can (the database). */
const onePerturbedFieldEntries = fc
  .tuple(validCreate, fc.constantFrom(...KNOWN_FIELDS))
  .chain(([body, field]) =>
    fc
      .oneof({ weight: 4, arbitrary: perturbed(validFieldValue[field]) }, { weight: 1, arbitrary: anyValue(300_000) })
      .map((value): [string, unknown][] => Object.entries({ ...body, [field]: value })),
  );

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/merge-patch+json',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  '',
] as const;
/** Mostly application/json, sometimes another (or no) media type. */
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom<string | null>(null, ...CONTENT_TYPES) },
);

const ifMatch = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('"1"', '"2"', '*', '"999999999"', '"1234567890"', 'W/"1"', '1', 'garbage', '""') },
);

type Target = { method: 'POST' } | { method: 'PATCH'; id: 'fixture' | string };
/** Mostly POST or PATCH of the fixture user (the targets that reach the database); sometimes a missing or non-UUID id. */
const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ method: 'POST' as const }) },
  { weight: 3, arbitrary: fc.constant({ method: 'PATCH' as const, id: 'fixture' }) },
  { weight: 1, arbitrary: fc.uuid().map((id) => ({ method: 'PATCH' as const, id })) },
  { weight: 1, arbitrary: fc.string().map((id) => ({ method: 'PATCH' as const, id: `x${id}` })) },
);

/** Request bodies that are not (necessarily) JSON: arbitrary text, truncated JSON, raw bytes, too-large bodies. */
const rawBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', 'u', '0', 'e', '-', '.', ' ', 'n', 'a', 'email', 'name') }) },
  { weight: 2, arbitrary: fc.tuple(fc.json(), fc.nat()).map(([json, cut]) => json.slice(0, cut % (json.length + 1))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '{',
      'null',
      '[]',
      '"string"',
      '42',
      'NaN',
      'undefined',
      '{"a":1}{}',
      '\ufeff{}',
      '{"email":"a@example.com","name":"A",}',
      "{'email':'a@example.com'}",
      '{"__proto__":{"role":"owner"}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '[{"email":"a@example.com","name":"A"}]',
      '9'.repeat(400),
      '['.repeat(10_000),
      `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    ),
  },
  {
    weight: 1,
    // Over the limit, as JSON that would otherwise be valid, and as bytes.
    arbitrary: fc.constantFrom(MAX_BODY_BYTES + 1, 2 * MAX_BODY_BYTES).map((size) => `{"name":"${'a'.repeat(size)}"}`),
  },
);

async function checkCall(fixtureId: string, t: Target, body: Body, type: string | null | undefined, match: string | undefined) {
  const call: Call =
    t.method === 'POST'
      ? { method: 'POST', body, contentType: type }
      : { method: 'PATCH', id: t.id === 'fixture' ? fixtureId : t.id, body, contentType: type, ifMatch: match };
  await expectWellFormedResponse(call, await send(call));
}

// ---------------------------------------------------------------------------------------------------------

describe('No JSON body sent to POST /api/v1/users or PATCH /api/v1/users/{id} produces a 5xx', () => {
  let fixtureId: string;
  beforeEach(async () => {
    await resetTables();
    fixtureId = await createFixtureUser();
  });

  it('arbitrary JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(target, fc.jsonValue(), contentType, ifMatch, async (t, value, type, match) => {
        await checkCall(fixtureId, t, JSON.stringify(value) ?? 'null', type, match);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('objects with the real field names and arbitrary values (unicode, NUL, lone surrogates, huge, nested, numbers)', async () => {
    await fc.assert(
      fc.asyncProperty(target, fc.oneof(fieldBiasedEntries, onePerturbedFieldEntries), ifMatch, async (t, entries, match) => {
        await checkCall(fixtureId, t, objectText(entries), undefined, match);
      }),
      { numRuns: FIELD_BIASED_NUM_RUNS },
    );
  });

  it('malformed JSON, raw bytes and bodies over the size limit', async () => {
    await fc.assert(
      fc.asyncProperty(target, rawBody, contentType, ifMatch, async (t, body, type, match) => {
        await checkCall(fixtureId, t, body, type, match);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------

/** RFC 6901: `~` -> `~0`, `/` -> `~1`. */
const pointerFor = (key: string) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;

const knownKeys = new Set<string>(KNOWN_FIELDS);
const unknownKey = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...PROTECTED_FIELDS) },
    { weight: 1, arbitrary: fc.constantFrom('Email', 'NAME', 'email ', ' role', '__proto__', 'constructor', 'toString', '', '~', '/', '~1', 'a/b~c', '/email') },
    { weight: 2, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('~', '/', '0', '1', 'a') }) },
  )
  .filter((key) => !knownKeys.has(key));

/** Plausible values for a protected column, or anything at all. */
const unknownValue = fc.oneof(
  fc.uuid(),
  fc.constantFrom(999, 0, -1, 'enterprise', 'pro', '2000-01-01T00:00:00.000Z', null, true),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  anyValue(5_000), // small enough that four of them stay under the body size limit
);
const unknownEntries = fc.uniqueArray(fc.tuple(unknownKey, unknownValue), { selector: ([key]) => key, minLength: 1, maxLength: 4 });

/** Unknown entries mixed into the valid ones, in any order. */
const withUnknown = <T extends object>(valid: fc.Arbitrary<T>) =>
  fc
    .tuple(valid, unknownEntries)
    .chain(([known, unknown]) => {
      const all: [string, unknown][] = [...Object.entries(known), ...unknown];
      return fc.tuple(fc.constant(known), fc.constant(unknown), fc.shuffledSubarray(all, { minLength: all.length }));
    })
    .map(([known, unknown, entries]) => ({ known, unknownKeys: unknown.map(([key]) => key), entries }));

/**
 * Empties both tables between runs of one property (DELETE: several times cheaper than TRUNCATE on PGlite), all
 * but the owner who calls (they wrote no audit event of their own).
 */
async function emptyTables() {
  const database = await db();
  await database.delete(auditEvents);
  await database.delete(users).where(ne(users.id, owner.userId));
}

/** The row as PostgreSQL prints it (every column, byte for byte) and as Drizzle reads it. */
async function snapshotUser(id: string) {
  const database = await db();
  const [printed] = await database.select({ text: sql<string>`users::text` }).from(users).where(eq(users.id, id));
  const [row] = await database.select().from(users).where(eq(users.id, id));
  return { text: printed?.text, row };
}
async function auditCount() {
  const [result] = await (await db()).select({ n: count() }).from(auditEvents);
  return result!.n;
}
/** Users other than the calling owner. */
async function userCount() {
  const [result] = await (await db()).select({ n: count() }).from(users).where(ne(users.id, owner.userId));
  return result!.n;
}

/** 422, with one error pointer per unknown key and (the other fields being valid) none for anything else. */
async function expectUnknownFieldsRejected(call: Call, unknownKeys: readonly string[]) {
  const response = await send(call);
  const problem = await expectWellFormedResponse(call, response);
  expect(response.status, JSON.stringify(problem)).toBe(422);
  const pointers = (problem?.errors ?? []).map((error) => error.pointer);
  expect(new Set(pointers), JSON.stringify(problem)).toEqual(new Set(unknownKeys.map(pointerFor)));
}

// Every run starts from empty tables (plus the user under test), so runs and shrinking replays are independent.
describe('Unknown fields never change a row', () => {
  beforeEach(resetTables);

  it('PATCH with an unknown or read-only field is a 422 naming each such field, and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(withUnknown(validPatch), fc.boolean(), async ({ known, unknownKeys, entries }, sendIfMatch) => {
        await emptyTables();
        const id = await createFixtureUser();
        const before = await snapshotUser(id);
        const auditsBefore = await auditCount();
        expect(before.text).toEqual(expect.any(String));

        const ifMatchHeader = sendIfMatch ? `"${before.row!.version}"` : undefined;
        await expectUnknownFieldsRejected({ method: 'PATCH', id, body: objectText(entries), ifMatch: ifMatchHeader }, unknownKeys);

        const after = await snapshotUser(id);
        expect(after.text, 'row text').toBe(before.text);
        expect(after.row).toEqual(before.row);
        expect(await auditCount(), 'audit events').toBe(auditsBefore);

        // Control: the same request without the unknown fields is accepted, so the 422 above was theirs.
        const control = await send({ method: 'PATCH', id, body: JSON.stringify(known), ifMatch: ifMatchHeader });
        expect(control.status, await control.clone().text()).toBe(200);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('POST with an unknown or read-only field is a 422 naming each such field, and inserts nothing', async () => {
    await fc.assert(
      fc.asyncProperty(withUnknown(validCreate), async ({ known, unknownKeys, entries }) => {
        await emptyTables();

        await expectUnknownFieldsRejected({ method: 'POST', body: objectText(entries) }, unknownKeys);

        expect(await userCount(), 'users').toBe(0);
        expect(await auditCount(), 'audit events').toBe(0);

        // Control: the same body without the unknown fields creates the user, so the 422 above was theirs.
        const control = await send({ method: 'POST', body: JSON.stringify(known) });
        expect(control.status, await control.clone().text()).toBe(201);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
