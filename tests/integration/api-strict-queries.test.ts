import { v7 as uuidv7 } from 'uuid';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDatabase } from '@/db';
import { openApiDocument } from '@/http/openapi/document';
import { documentedMethods, pathTemplateOf, ROOT, routeFiles } from '../support/contract';
import { truncateAll } from '../support/database';
import { bearerFor, type SignedInUser } from '../support/principals';
import type { Problem } from '../support/problem';

// Every /api/v1 operation refuses a query parameter it does not take with a 400 naming it (as unknown body fields
// are refused), and takes every one its OpenAPI document lists. The calls go through the route modules, so each
// answer is also checked against the document (tests/support/contract-setup.ts): the 400 must be documented there.

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));

type RouteModule = Record<string, (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>>;
interface Parameter {
  in: string;
  name: string;
}
const operations = routeFiles()
  .filter((file) => file.startsWith('app/api/v1/'))
  .flatMap((file) => {
    const template = pathTemplateOf(file);
    return documentedMethods(template)
      .filter((method) => method !== 'HEAD')
      .map((method) => ({ file, template, method }));
  });
const documentedQuery = (template: string, method: string) => {
  const operation = (openApiDocument().paths as Record<string, Record<string, { parameters?: Parameter[] }>>)[template]![method.toLowerCase()]!;
  return (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
};

let caller: SignedInUser;
beforeAll(async () => {
  const { db } = await getDatabase();
  await truncateAll(db);
  caller = await bearerFor(db, 'owner');
});

/** Calls `method` on the route `file` serves, with every path parameter a fresh id, and `query`. */
async function call(file: string, template: string, method: string, query: string): Promise<Response> {
  const route = (await import(/* @vite-ignore */ `${ROOT}/${file}`)) as RouteModule;
  const params = Object.fromEntries([...template.matchAll(/\{([^}]+)\}/g)].map(([, name]) => [name!, uuidv7()]));
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => params[name]!);
  const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
  const request = new Request(`http://localhost:3000${path}?${query}`, {
    method,
    headers: { ...caller.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body,
  });
  return route[method]!(request, { params: Promise.resolve(params) });
}

describe('query parameters on every /api/v1 operation', () => {
  it('has operations to check', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it.each(operations)('$method $template: an unknown one is a 400 naming it', async ({ file, template, method }) => {
    const response = await call(file, template, method, 'unknownParam=1&limit=1&unknownParam=2&sortBy=name');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as Problem;
    const taken = documentedQuery(template, method);
    expect(problem).toMatchObject({ type: 'urn:roster:problem:invalid-query', status: 400 });
    expect(problem.errors).toEqual(
      ['unknownParam', ...(taken.includes('limit') ? [] : ['limit']), 'sortBy'].map((parameter) => ({ parameter, detail: 'Unknown query parameter' })),
    );
  });

  it.each(operations.filter(({ template, method }) => documentedQuery(template, method).length > 0))(
    '$method $template: every documented one is taken',
    async ({ file, template, method }) => {
      for (const name of documentedQuery(template, method)) {
        const response = await call(file, template, method, `${name}=x`);
        const text = response.headers.get('content-type') === 'application/problem+json' ? await response.text() : (await response.body?.cancel(), '');
        expect(text, name).not.toContain('Unknown query parameter');
      }
    },
  );
});
