import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openApiRoute from '../../app/api/v1/openapi.json/route';
import { ROOT } from '../support/contract';

// Issue 29.1: the document the server publishes passes an outside linter, Spectral with its OpenAPI rules and
// OWASP's API security rules (.spectral.yaml, where each rule turned off or narrowed says why), with no error and
// no warning. The same command as docs/api.md gives developers, on the document as GET /api/v1/openapi.json serves it.

interface SpectralResult {
  code: string;
  path: string[];
  message: string;
  /** 0 error, 1 warning, 2 information, 3 hint. */
  severity: number;
}

const spectral = path.join(ROOT, 'node_modules', '.bin', 'spectral');
let directory: string;
let served: Record<string, unknown>;

function lint(document: unknown): SpectralResult[] {
  const file = path.join(directory, `openapi-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document, null, 2));
  const run = spawnSync(spectral, ['lint', file, '--ruleset', path.join(ROOT, '.spectral.yaml'), '--format', 'json', '--quiet'], {
    encoding: 'utf8',
    // Spectral's dependency @scarf/scarf reports installs: nothing leaves the machine from a test.
    env: { ...process.env, SCARF_ANALYTICS: 'false' },
  });
  // Exit 1 means results were found; anything else but 0 is Spectral itself failing (a broken ruleset, say).
  if (run.error) throw run.error;
  if (run.status !== 0 && run.status !== 1) throw new Error(`spectral exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SpectralResult[];
}

const readable = (results: SpectralResult[]) => results.map((result) => `${result.code} at ${result.path.join('.')}: ${result.message}`);

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'roster-openapi-lint-'));
  const response = await openApiRoute.GET(new Request('http://localhost:3000/api/v1/openapi.json'));
  served = (await response.json()) as Record<string, unknown>;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('the OpenAPI document under Spectral (spectral:oas and the OWASP ruleset)', () => {
  it('has no error and no warning', () => {
    expect(readable(lint(served).filter((result) => result.severity <= 1))).toEqual([]);
  });

  it('is still checked where the ruleset narrows a rule: a string without a limit, a metered answer without RateLimit or CORS', () => {
    const broken = structuredClone(served) as {
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
      paths: Record<string, Record<string, { responses: Record<string, { headers: Record<string, unknown> }> }>>;
    };
    delete broken.components.schemas.User!.properties.name!.maxLength;
    const listUsers = broken.paths['/api/v1/users']!.get!.responses;
    delete listUsers['200']!.headers.RateLimit;
    delete listUsers['403']!.headers['Access-Control-Allow-Origin'];

    const found = lint(broken).map((result) => `${result.code} ${result.path.join('.')}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'owasp:api4:2023-string-limit components.schemas.User.properties.name',
        'owasp:api4:2023-rate-limit paths./api/v1/users.get.responses.200.headers',
        'owasp:api8:2023-define-cors-origin paths./api/v1/users.get.responses.403.headers',
      ]),
    );
  });
});
