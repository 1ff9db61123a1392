import 'server-only';
import { z } from 'zod';
import { apiKeyScopes } from '../principal';

export const createApiKeyInput = z.strictObject(
  {
    name: z
      .string({ error: 'Name is required' })
      .trim()
      .min(1, 'Name is required')
      .max(100, 'Name must be at most 100 characters')
      .refine((value) => !value.includes('\u0000') && value.isWellFormed(), 'Name contains characters that cannot be stored'),
    scopes: z
      .array(z.enum(apiKeyScopes, { error: `Scopes must be among: ${apiKeyScopes.join(', ')}` }), { error: 'Choose at least one scope' })
      .min(1, 'Choose at least one scope')
      .transform((scopes) => [...new Set(scopes)]),
    expiresAt: z.coerce
      .date({ error: 'Expiry must be a date' })
      .refine((date) => date.getTime() > Date.now(), 'Expiry must be in the future')
      .optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Unknown field' : 'Expected an object') },
);

export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;
