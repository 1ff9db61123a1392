// What the fuzzer sends: structured inputs derived from the OpenAPI document's own schemas (valid values, values at
// and past their bounds, hostile text), and garbage (random methods, bytes, media types, headers, encodings).
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  $ref?: string;
}

/** Text that has broken services before: NUL, unpaired surrogates, huge, control and format characters, encodings. */
export const hostileText = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\uD800', 'x\uDFFFy', '%', '%ff', '%00', '\u202Eevil', '\r\n', ' ', '', '../../etc/passwd', "' OR 1=1 --", '${jndi:x}', '<script>', '💥'.repeat(50)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 250, maxLength: 300 }),
  fc.constant('x'.repeat(100_000)),
);

const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileText, fc.constant(null), fc.array(hostileText, { maxLength: 3 }));

/** A value for a JSON schema: usually one that fits, often one at or past a bound, sometimes anything at all. */
export function valueFor(schema: JsonSchema, resolve: (ref: string) => JsonSchema): fc.Arbitrary<unknown> {
  if (schema.$ref) return valueFor(resolve(schema.$ref), resolve);
  const type = [schema.type].flat()[0];
  let fits: fc.Arbitrary<unknown>;
  if (schema.enum) fits = fc.constantFrom(...schema.enum);
  else if (type === 'string') {
    const { minLength = 0, maxLength = 60 } = schema;
    fits = fc.oneof(
      schema.format === 'uuid' ? fc.uuid() : fc.string({ minLength, maxLength: Math.min(maxLength, 60) }),
      fc.emailAddress(),
      fc.string({ minLength: maxLength, maxLength: maxLength + 1 }),
    );
  } else if (type === 'integer' || type === 'number') {
    fits = fc.oneof(fc.integer({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6 }), fc.constantFrom(-1, 0, 1e15, 1.5, Number.MAX_SAFE_INTEGER + 2));
  } else if (type === 'object') {
    const entries = Object.entries(schema.properties ?? {}).map(([name, property]) => [name, valueFor(property, resolve)] as const);
    fits = fc.record(Object.fromEntries(entries), { requiredKeys: [] }).chain((object) =>
      fc.oneof(fc.constant(object), fc.record({ unknownField: anyJson, id: fc.uuid(), version: fc.integer() }, { requiredKeys: [] }).map((extra) => ({ ...object, ...extra }))),
    );
  } else if (type === 'array') fits = fc.array(valueFor(schema.items ?? {}, resolve), { maxLength: 4 });
  else fits = anyJson;
  return fc.oneof({ weight: 6, arbitrary: fits }, { weight: 2, arbitrary: hostileText }, { weight: 1, arbitrary: anyJson });
}

export const garbageBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 2000 }),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.constantFrom('', '{', '[', 'null', '{"a":', '\u0000', '{"email":"a@b.c","name":"x"}'.repeat(3), 'a=b&c=d', '--x\r\nContent-Disposition: form-data; name="0"\r\n\r\n[\r\n--x--'),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
);

export const garbageContentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  'text/plain;charset=UTF-8',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/problem+json',
  '*/*',
  ';;;',
);

/** Methods fetch can't send (the Fetch standard forbids them) or HTTP doesn't define: the fuzzer sends these raw. */
export const oddMethods = ['TRACE', 'CONNECT', 'TRACK', 'PROPFIND', 'MKCOL', 'FOO', 'get'];

export const garbageMethod = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS') },
  { weight: 1, arbitrary: fc.constantFrom(...oddMethods) },
);

/** A path segment: a plausible id, or something a path decoder chokes on. */
export const pathSegment = (known: readonly string[]) =>
  fc.oneof(
    fc.constantFrom(...known),
    fc.uuid(),
    fc.constantFrom('%', '%ff', '%E2%82', '%00', '%2F', '..', '%2e%2e', 'x%', '%%', '%u0041', '%ED%A0%80', 'a'.repeat(3000)),
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
  );

export const garbageHeaderValue = fc.oneof(fc.constantFrom('', '"', '"1"', '*', 'W/"1"', '"999999999999"', 'Bearer', 'Bearer x y', 'rst_'), fc.string({ maxLength: 30, unit: 'grapheme-ascii' }));
