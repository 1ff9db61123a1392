import 'server-only';
import { z } from 'zod';
import { isoDateTime, isStorableJson, isStorableText, uuid } from '../../bounds';
import { passwordHashProblem } from '../../accounts/password-hashes';
import { orgRole } from '../../organizations/schemas';
import { email, name, role } from '../schemas';

/** Longest imported hash, external id and metadata (as JSON): generous for every supported format, bounded all the same. */
export const IMPORT_LIMITS = { passwordHash: 1024, externalId: 255, metadataJson: 8192, metadataKey: 100 } as const;

const passwordHash = z
  .string()
  .max(IMPORT_LIMITS.passwordHash)
  .superRefine((hash, ctx) => {
    const problem = passwordHashProblem(hash);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.detail, params: { code: problem.code } });
  });

const metadata = z
  .record(z.string().max(IMPORT_LIMITS.metadataKey), z.unknown())
  .refine((value) => JSON.stringify(value).length <= IMPORT_LIMITS.metadataJson, `Metadata must be at most ${IMPORT_LIMITS.metadataJson} characters of JSON`)
  .refine(isStorableJson, 'Metadata must not contain NUL or unpaired surrogate characters');

/** One user to import: the same email, name and role rules as creating one, plus what an import brings along. */
export const importRecord = z
  .strictObject(
    {
      email,
      name: name.optional(),
      role: role.default('member'),
      externalId: z.string().trim().min(1).max(IMPORT_LIMITS.externalId).refine(isStorableText, 'externalId must not contain NUL or unpaired surrogate characters').optional(),
      emailVerified: z.boolean().default(false),
      createdAt: isoDateTime().optional(),
      metadata: metadata.optional(),
      passwordHash: passwordHash.optional(),
      organizationId: uuid().optional(),
      organizationRole: orgRole.optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Unknown field' : 'Expected an object') },
  )
  .refine((record) => !record.organizationRole || record.organizationId, { message: 'organizationRole needs organizationId', path: ['organizationRole'] });

export type ImportRecord = z.output<typeof importRecord>;

/** A CSV cell is text: empty means absent, and the boolean and JSON columns are read from their text. */
export function fromCsvRow(row: Record<string, string>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === '') continue;
    if (key === 'emailVerified') record[key] = /^(true|1)$/i.test(value) ? true : /^(false|0)$/i.test(value) ? false : value;
    else if (key === 'metadata') record[key] = parseJsonOr(value);
    else record[key] = value;
  }
  return record;
}

function parseJsonOr(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
