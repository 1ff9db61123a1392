import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { openApiDocument } from '@/http/openapi/document';
import * as docsRoute from '../../app/api/docs/route';
import * as scalarRoute from '../../app/api/docs/scalar.js/route';
import * as openApiRoute from '../../app/api/v1/openapi.json/route';
import { documentedMethods, pathTemplateOf, ROOT, routeFiles } from '../support/contract';
import { generatedTypes, generatedTypesPath } from '../support/openapi-types-source';

vi.mock('next/cache', () => ({ revalidateTag: vi.fn(), updateTag: vi.fn(), cacheTag: vi.fn() }));
vi.mock('next/server', async (importOriginal) => ({ ...(await importOriginal<object>()), connection: async () => {} }));

const BASE = 'http://localhost:3000';
const document = openApiDocument();
/** The public contract: every route under /api/v1, and the probes. */
const contractFiles = routeFiles().filter((file) => /^app\/api\/(v1\/|health\/|ready\/)/.test(file));

type RouteMethod = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

/** The methods a route file really implements: those it exports that don't answer 405 (OPTIONS is CORS preflight). */
async function implementedMethods(file: string): Promise<string[]> {
  const loaded = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, RouteMethod>;
  const implemented: string[] = [];
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((name) => Object.keys(loaded).includes(name))) {
    const response = await loaded[method]!(new Request(`${BASE}${pathTemplateOf(file)}`, { method }), { params: Promise.resolve({ id: 'x' }) });
    if (response.status !== 405) implemented.push(method);
  }
  return implemented;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(document) as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it.each(contractFiles)('has an operation for each method %s implements, and no other', async (file) => {
    expect(documentedMethods(pathTemplateOf(file))).toEqual(await implementedMethods(file));
  });

  it('documents no path without a route behind it', () => {
    expect(Object.keys(document.paths ?? {}).sort()).toEqual(contractFiles.map(pathTemplateOf).sort());
  });

  it('declares every error as problem+json and every operation’s credentials', () => {
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(item as Record<string, { security: unknown[]; responses: Record<string, { content?: object }> }>)) {
        expect(operation.security, `${method} ${template}`).toBeDefined();
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) >= 400) expect(Object.keys(response.content ?? {}), `${method} ${template} ${status}`).toEqual(['application/problem+json']);
        }
      }
    }
  });

  it('is served at GET /api/v1/openapi.json, as generated', async () => {
    const response = await openApiRoute.GET(new Request(`${BASE}/api/v1/openapi.json`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('matches the committed client types (run `npm run openapi:types` after changing the API)', async () => {
    expect(readFileSync(generatedTypesPath, 'utf8')).toBe(await generatedTypes());
  });
});

describe('the docs UI at /api/docs', () => {
  let page: string;
  beforeAll(async () => {
    page = await (await docsRoute.GET()).text();
  });

  it('renders the document with Scalar, loading nothing from another origin', () => {
    expect(page).toContain('<script src="/api/docs/scalar.js"></script>');
    expect(page).toContain("url: '/api/v1/openapi.json'");
    expect(page).not.toMatch(/(src|href)="https?:/);
  });

  it('serves Scalar’s bundle from this origin', async () => {
    const response = await scalarRoute.GET();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toContain('createApiReference');
  });
});
