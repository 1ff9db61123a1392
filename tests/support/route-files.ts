import { readdirSync } from 'node:fs';
import path from 'node:path';

// Where the route handlers are and the paths they serve: cheap to import, unlike the document (tests/support/contract.ts).

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every route file under app/, relative to the repository root (`name`: route.bench.ts too, for the bench build's). */
export function routeFiles(dir = path.join(ROOT, 'app'), name = /^route\.ts$/): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full, name);
    return name.test(entry.name) ? [path.relative(ROOT, full)] : [];
  });
}

/** `app/api/v1/users/[id]/route.ts` → `/api/v1/users/{id}`. */
export const pathTemplateOf = (file: string) =>
  `/${path.dirname(file).split(path.sep).slice(1).join('/')}`.replace(/\[([^\].]+)\]/g, '{$1}');
