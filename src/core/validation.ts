import 'server-only';
import type { z } from 'zod';
import { ValidationFailed } from './errors';

/** Parses `input` with `schema`, turning zod's issues into the domain's ValidationFailed. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source: 'body' | 'query' = 'body',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap((issue) =>
    // One issue per unknown key, so each gets its own pointer (/id, /version, ...).
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].map(toPathSegment), message: issue.message }))
      : [{ path: issue.path.map(toPathSegment), message: issue.message }],
  );
  throw new ValidationFailed(issues, source);
}

const toPathSegment = (segment: PropertyKey) => (typeof segment === 'number' ? segment : String(segment));

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name an existing row. */
export const isUuid = (value: string) => uuidPattern.test(value);
