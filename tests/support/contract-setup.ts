// Vitest setup (vitest.config.ts): every route module a test imports, statically or not, is the real module with
// each method wrapped so that its responses are checked against the OpenAPI document (tests/support/contract.ts).
import path from 'node:path';
import { vi } from 'vitest';
import { pathTemplateOf, ROOT, routeFiles } from './route-files';

// The document and its validators load on the first response checked: files that never call a route don't pay for it.
const checkAgainstContract = async (...args: Parameters<typeof import('./contract').checkAgainstContract>) =>
  (await import('./contract')).checkAgainstContract(...args);

type RouteMethod = (...args: unknown[]) => Promise<Response> | Response;

for (const file of routeFiles()) {
  const template = pathTemplateOf(file);
  vi.doMock(path.join(ROOT, file), async (importOriginal) => {
    const original = await importOriginal<Record<string, unknown>>();
    return Object.fromEntries(
      Object.entries(original).map(([name, value]) => {
        if (typeof value !== 'function') return [name, value];
        const checked = async (...args: unknown[]) => {
          const response = await (value as RouteMethod)(...args);
          await checkAgainstContract(template, name, response);
          return response;
        };
        return [name, checked];
      }),
    );
  });
}
