import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '@/http/openapi/document';

// The OpenAPI document as a test oracle: every response a Route Handler gives the integration suite is checked
// against it (tests/support/contract-setup.ts wraps every route module), by status, media type, body schema and
// required headers. Methods the document doesn't list must be 405 with an `Allow` that lists exactly the ones it does.

export { pathTemplateOf, ROOT, routeFiles } from './route-files';
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

type Document = ReturnType<typeof openApiDocument>;
type ResponseSpec = { content?: Record<string, unknown>; headers?: Record<string, { required?: boolean }> };
type OperationSpec = { responses: Record<string, ResponseSpec> };

let cached: { document: Document; ajv: Ajv2020 } | undefined;
function contract() {
  if (!cached) {
    const document = openApiDocument();
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(ajv);
    ajv.addSchema(document as object, 'openapi');
    cached = { document, ajv };
  }
  return cached;
}

/** The operations the document lists for a path template, as upper-case methods. */
export function documentedMethods(template: string): string[] {
  const item = (contract().document.paths as Record<string, Record<string, unknown>> | undefined)?.[template] ?? {};
  return methods.filter((method) => method.toLowerCase() in item);
}

const pointer = (...segments: string[]) => segments.map((segment) => segment.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const validators = new Map<string, ValidateFunction>();
function validatorFor(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (!validate) validators.set(ref, (validate = contract().ajv.compile({ $ref: ref })));
  return validate;
}

const streamingMediaTypes = ['text/event-stream', 'text/csv', 'application/x-ndjson'];
const mediaTypeOf = (response: Response) => response.headers.get('content-type')?.split(';')[0]?.trim() ?? '';

/** Throws, saying why, unless `response` is one the document promises for `method` on `template`. */
export async function checkAgainstContract(template: string, method: string, response: Response): Promise<void> {
  const documented = documentedMethods(template);
  if (documented.length === 0) return; // not part of the public contract (auth, webhooks, docs)
  const fail = (why: string) => {
    throw new Error(`Contract: ${method} ${template} answered ${response.status}: ${why}`);
  };
  const allow = (hasOptions: boolean) => [...documented, ...(documented.includes('GET') ? ['HEAD'] : []), ...(hasOptions ? ['OPTIONS'] : [])];

  if (method === 'OPTIONS') {
    if (response.status !== 204) fail('a preflight answers 204');
    if (response.headers.get('allow') !== allow(true).join(', ')) fail(`Allow is "${response.headers.get('allow')}", the document lists ${documented}`);
    return;
  }
  const operation = (contract().document.paths as Record<string, Record<string, OperationSpec>>)[template]![method.toLowerCase()];
  if (!operation) {
    if (response.status !== 405) fail(`${method} is not in the document, so it must be 405`);
    const listed = response.headers.get('allow')?.split(', ').filter((name) => name !== 'OPTIONS');
    if (listed?.join(', ') !== allow(false).join(', ')) fail(`Allow is "${response.headers.get('allow')}", the document lists ${documented}`);
    await checkBody(response, '#/components/schemas/Problem', 'application/problem+json', fail);
    return;
  }
  const spec = operation.responses[String(response.status)];
  if (!spec) return fail(`the document lists only ${Object.keys(operation.responses).join(', ')}`);
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    if (header.required && !response.headers.has(name)) fail(`the required header ${name} is missing`);
  }
  if (!spec.content) {
    if ((await response.clone().text()) !== '') fail('the document promises no body');
    return;
  }
  const mediaType = mediaTypeOf(response);
  if (!(mediaType in spec.content)) fail(`Content-Type ${mediaType} is not among ${Object.keys(spec.content).join(', ')}`);
  // A stream (events, an export) is its media type and its headers here: its body is checked by its own tests.
  if (streamingMediaTypes.includes(mediaType)) return;
  const ref = `openapi#/${pointer('paths', template, method.toLowerCase(), 'responses', String(response.status), 'content', mediaType, 'schema')}`;
  await checkBody(response, ref, mediaType, fail);
}

async function checkBody(response: Response, ref: string, mediaType: string, fail: (why: string) => never | void) {
  if (mediaTypeOf(response) !== mediaType) fail(`Content-Type is ${mediaTypeOf(response)}, not ${mediaType}`);
  const text = await response.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(`the body is not JSON: ${text.slice(0, 200)}`);
  }
  const validate = validatorFor(ref.startsWith('#') ? `openapi${ref}` : ref);
  if (!validate(body)) fail(`the body does not match the schema: ${contract().ajv.errorsText(validate.errors)}; body: ${text.slice(0, 500)}`);
}
