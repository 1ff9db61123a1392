import 'server-only';
import type { ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { INT32_MAX, uuid } from '@/core/bounds';
import { exposedHeaders } from '../cors';
import { bareKey, quotedKey } from '../idempotency';
import { ifMatchValue } from '../preconditions';
import { problemSchema } from '../problem';

// One operation of the public contract, declared next to the others of its resource (src/http/openapi/*.ts):
// the zod schemas are the ones the core validates with, the errors are statuses (with their meaning here), and
// what every operation shares (credentials, rate limits, CORS, problem+json, 500, 503) is added by `toRouteConfig`.
// Every value has its bounds (strings a maxLength, integers a format and range, arrays a maxItems): Spectral's
// OWASP ruleset checks the document (tests/integration/openapi-lint.test.ts, .spectral.yaml).

/** Who may call: any bearer credential, a signed-in user's (session token or JWT, not an API key), or anyone. */
export type Access = 'any-credential' | 'user' | 'public';

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template: `/api/v1/users/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  request?: RouteConfig['request'];
  /** `mediaType` for answers that are not JSON (an event stream, a CSV file); `schema` then describes the text. */
  success: { status: number; description: string; schema?: z.ZodType; mediaType?: string; headers?: ResponseHeader[]; example?: unknown } & {
    /** Instead of `schema` and `mediaType`: an answer in one of several formats (an export's CSV or NDJSON). */
    mediaTypes?: Record<string, z.ZodType>;
  };
  /** A second success, in another status (a dry run's 200 beside a job's 202), with the same headers but `Location`. */
  alsoSuccess?: { status: number; description: string; schema: z.ZodType };
  /** The errors this operation can answer, with what each means here. 401, 403, 429 and 500 come with the access. */
  errors?: Partial<Record<number, string>>;
  /** `false` for a JSON GET whose ETag does not cover all of its body (`json(…, { revalidate: false })`): never a 304. */
  notModified?: false;
}

export const problem = problemSchema.meta({
  id: 'Problem',
  description: 'RFC 9457 problem details (`application/problem+json`).',
  example: {
    type: 'urn:roster:problem:validation-failed',
    title: 'Validation failed',
    status: 422,
    detail: 'One or more fields are invalid.',
    instance: '/api/v1/users',
    errors: [{ pointer: '/email', detail: 'Enter a valid email address' }],
  },
});

export type ResponseHeader =
  | 'ETag'
  | 'Location'
  | 'Idempotent-Replayed'
  | 'RateLimit'
  | 'RateLimit-Policy'
  | 'Retry-After'
  | 'Access-Control-Allow-Origin'
  | 'Access-Control-Expose-Headers';
interface HeaderSpec {
  description: string;
  schema:
    | { type: 'string'; maxLength?: number; pattern?: string; format?: string; enum?: string[]; example?: string }
    | { type: 'integer'; format: 'int32'; minimum: number; maximum: number };
}

const responseHeaders: Record<ResponseHeader, HeaderSpec> = {
  ETag: {
    description:
      'An item’s version (`"3"`), for `If-Match` and `If-None-Match`; its weak form (`W/"3"`) names the same version. On a list page, a weak hash of the page (`W/"…"`), for `If-None-Match` only.',
    // An entity-tag (RFC 9110 §8.8.3): quoted, optionally weak.
    schema: { type: 'string', maxLength: 100, pattern: '^(W/)?"[\\x21\\x23-\\x7E]*"$', example: '"3"' },
  },
  Location: { description: 'URL of the created resource.', schema: { type: 'string', format: 'uri', maxLength: 2_000 } },
  'Idempotent-Replayed': { description: '`true` when this is the stored response to an earlier request with the same `Idempotency-Key`.', schema: { type: 'string', enum: ['true'] } },
  RateLimit: {
    description: 'What is left of the caller’s budget (draft-ietf-httpapi-ratelimit-headers): `"api";r=<remaining>;t=<seconds to reset>`.',
    schema: { type: 'string', maxLength: 100, pattern: '^"[a-z]+";r=\\d+;t=\\d+$', example: '"api";r=599;t=60' },
  },
  'RateLimit-Policy': {
    description: 'The caller’s budget: `"api";q=<requests>;w=<window seconds>` (ROSTER_API_RATE_LIMIT).',
    schema: { type: 'string', maxLength: 100, pattern: '^"[a-z]+";q=\\d+;w=\\d+$', example: '"api";q=600;w=60' },
  },
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', format: 'int32', minimum: 1, maximum: INT32_MAX } },
  'Access-Control-Allow-Origin': {
    description: 'The request’s `Origin`, when it is one of `ROSTER_CORS_ORIGINS` (then with `Vary: Origin`); absent for any other origin.',
    schema: { type: 'string', maxLength: 2_000, pattern: '^(null|[a-z][a-z0-9+.-]*://[^/\\s]+)$', example: 'https://app.example.com' },
  },
  'Access-Control-Expose-Headers': { description: 'With `Access-Control-Allow-Origin`: the headers a page on that origin may read.', schema: { type: 'string', enum: [exposedHeaders] } },
};
const corsHeaders: ResponseHeader[] = ['Access-Control-Allow-Origin', 'Access-Control-Expose-Headers'];

type Headers = NonNullable<ResponseConfig['headers']>;
const headersOf = (names: readonly ResponseHeader[], required: readonly ResponseHeader[] = []): Headers =>
  Object.fromEntries(names.map((name) => [name, { ...responseHeaders[name], required: required.includes(name) }])) as Headers;

/** Any of the bearer credentials (the document's default). */
export const anyCredential: Record<string, string[]>[] = [{ apiKey: [] }, { sessionToken: [] }, { jwt: [] }];

const securityOf: Record<Access, RouteConfig['security']> = {
  'any-credential': anyCredential,
  user: [{ sessionToken: [] }, { jwt: [] }],
  public: [],
};

const generalErrors: Record<Access, Partial<Record<number, string>>> = {
  'any-credential': {
    401: 'No credentials (`WWW-Authenticate: Bearer`), or invalid, expired or revoked ones (`Bearer error="invalid_token"`).',
    403: 'The credentials are valid but lack the role or scope.',
    429: 'The credential’s request budget is spent: retry after `Retry-After` seconds.',
  },
  user: {
    401: 'No credentials (`WWW-Authenticate: Bearer`), or invalid, expired or revoked ones (`Bearer error="invalid_token"`).',
    403: 'An API key: it acts for no user.',
    429: 'The user’s request budget is spent: retry after `Retry-After` seconds.',
  },
  public: {},
};

const budgetHeaders: ResponseHeader[] = ['RateLimit', 'RateLimit-Policy'];

/** Every answer under /api/v1 carries CORS headers for an allowed Origin (src/http/cors.ts); the probes answer no browser. */
const hasCors = (operation: Operation) => operation.path.startsWith('/api/v1/');

function errorResponse(status: number, description: string, access: Access, cors: boolean): ResponseConfig {
  // A 401 is answered before the caller is known: it spends no budget, so it has no RateLimit headers.
  const metered = access !== 'public' && status !== 401;
  const extra: ResponseHeader[] = status === 429 || status === 503 || status === 409 ? ['Retry-After'] : status === 412 || status === 428 ? ['ETag'] : [];
  const names = [...(metered ? budgetHeaders : []), ...extra, ...(cors ? corsHeaders : [])];
  const required: ResponseHeader[] = status === 429 ? [...budgetHeaders, 'Retry-After'] : status === 428 ? ['ETag'] : [];
  return {
    description,
    ...(names.length > 0 ? { headers: headersOf(names, required) } : {}),
    content: { 'application/problem+json': { schema: problem } },
  };
}

const unknownQuery = 'An unknown query parameter (one error per parameter).';
const ifNoneMatch = z.object({
  'If-None-Match': z.string().max(1_000).optional().meta({ description: 'The `ETag` you last read: 304 with no body if it is still current.', example: '"3"' }),
});
/** A GET answering JSON: it carries an ETag and answers `If-None-Match` (src/http/api-resource.ts). */
const revalidates = ({ method, path, success, notModified }: Operation) =>
  path.startsWith('/api/v1/') && method === 'get' && !success.mediaType && !success.mediaTypes && notModified !== false;
const takesIfMatch = (request: RouteConfig['request']) => request?.headers instanceof z.ZodObject && 'If-Match' in request.headers.shape;

/**
 * What every /api/v1 operation's request and errors share with the rest: unknown query parameters are a 400 everywhere; a
 * GET answering JSON takes `If-None-Match` (304); a write that takes `If-Match` can be made to require it (428).
 */
function sharedContract(operation: Operation): Pick<Operation, 'request' | 'errors' | 'success'> {
  const { request, errors = {}, success } = operation;
  if (!operation.path.startsWith('/api/v1/')) return { request, errors, success }; // the probes: none of this
  const shared: Partial<Record<number, string>> = { 400: errors[400] ? `${errors[400]} Or an unknown query parameter (one error per parameter).` : unknownQuery };
  if (takesIfMatch(request)) shared[428] = 'The server requires `If-Match` (ROSTER_REQUIRE_IF_MATCH) and none came: the current `ETag` is in this answer.';
  if (!revalidates(operation)) return { request, errors: { ...errors, ...shared }, success };
  const headers = request?.headers instanceof z.ZodObject ? request.headers.extend(ifNoneMatch.shape) : ifNoneMatch;
  return {
    request: { ...request, headers },
    errors: { ...errors, ...shared },
    success: { ...success, headers: [...new Set([...(success.headers ?? []), 'ETag' as const])] },
  };
}

/** The zod-to-openapi route for `operation`, with everything operations share. */
export function toRouteConfig(declared: Operation): RouteConfig {
  const operation = { ...declared, ...sharedContract(declared) };
  const { success, access } = operation;
  const metered = access !== 'public';
  const errors = {
    ...operation.errors,
    ...generalErrors[access],
    500: 'Unexpected error: `traceId` finds it in the server log; nothing was changed.',
    ...(metered ? { 503: 'The database is unavailable: retry after `Retry-After` seconds.' } : {}),
  };
  const cors = hasCors(operation);
  const successHeaders = [...(success.headers ?? []), ...(metered ? budgetHeaders : []), ...(cors ? corsHeaders : [])];
  return {
    method: operation.method,
    path: operation.path,
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    security: securityOf[access],
    ...(operation.request ? { request: operation.request } : {}),
    responses: {
      ...(revalidates(operation)
        ? { 304: { description: 'Not Modified: `If-None-Match` holds the current `ETag`. No body.', headers: headersOf(['ETag', ...(metered ? budgetHeaders : []), ...(cors ? corsHeaders : [])], ['ETag']) } }
        : {}),
      [success.status]: {
        description: success.description,
        ...(successHeaders.length > 0 ? { headers: headersOf(successHeaders, [...(success.headers ?? []).filter((h) => h !== 'Idempotent-Replayed'), ...(metered ? budgetHeaders : [])]) } : {}),
        ...(success.schema ? { content: { [success.mediaType ?? 'application/json']: { schema: success.schema, ...(success.example ? { example: success.example } : {}) } } } : {}),
        ...(success.mediaTypes ? { content: Object.fromEntries(Object.entries(success.mediaTypes).map(([type, schema]) => [type, { schema }])) } : {}),
      },
      ...(operation.alsoSuccess ? { [operation.alsoSuccess.status]: alsoSuccessResponse(operation.alsoSuccess, successHeaders.filter((h) => h !== 'Location'), metered) } : {}),
      ...Object.fromEntries(Object.entries(errors).map(([status, description]) => [status, errorResponse(Number(status), description!, access, cors)])),
    },
  };
}

function alsoSuccessResponse({ description, schema }: NonNullable<Operation['alsoSuccess']>, headers: ResponseHeader[], metered: boolean) {
  return { description, ...(headers.length > 0 ? { headers: headersOf(headers, metered ? budgetHeaders : []) } : {}), content: { 'application/json': { schema } } };
}

/** A JSON request body, optionally also accepted as another JSON media type. */
export function jsonBody(schema: z.ZodType, { alsoAs = [], example }: { alsoAs?: string[]; example?: unknown } = {}) {
  const media = { schema, ...(example ? { example } : {}) };
  return { required: true, content: Object.fromEntries(['application/json', ...alsoAs].map((type) => [type, media])) };
}

/** An id in the path: a UUID (anything else names nothing: 404). */
export const pathId = (description: string, example?: string) => uuid().meta({ description, ...(example ? { example } : {}) });

/** The `If-Match` request header of a versioned resource's writes (src/http/preconditions.ts). */
export const ifMatchHeader = (what: string) =>
  z.object({
    'If-Match': z
      .string()
      .max(14)
      .regex(ifMatchValue)
      .optional()
      .meta({
        description: `The \`ETag\` you last read, strong or weak (\`"1"\` or \`W/"1"\`: the version is the validator either way): the write fails with 412 if ${what} changed since.`,
        example: '"1"',
      }),
  });

/** The request header of every POST that creates something and can be retried safely (src/http/idempotency.ts). */
export const idempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .max(257)
    .regex(new RegExp(`${quotedKey.source}|${bareKey.source}`))
    .optional()
    .meta({ description: 'A unique key per intended creation (draft-ietf-httpapi-idempotency-key-header), quoted or bare.', example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"' }),
});
