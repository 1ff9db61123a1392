import 'server-only';
import { z } from 'zod';
import { apiKeyScopes, type ApiKeyScope } from '../principal';
import { isStorableText } from '../bounds';

export const API_KEY_NAME_MAX = 100;

const name = z
  .string({ error: 'Name is required' })
  .trim()
  .min(1, 'Name is required')
  .max(API_KEY_NAME_MAX, `Name must be at most ${API_KEY_NAME_MAX} characters`)
  .refine(isStorableText, 'Name contains characters that cannot be stored');

const scopesAmong = <const S extends readonly [ApiKeyScope, ...ApiKeyScope[]]>(allowed: S) =>
  z
    .array(z.enum(allowed, { error: `Scopes must be among: ${allowed.join(', ')}` }), { error: 'Choose at least one scope' })
    .min(1, 'Choose at least one scope')
    .max(allowed.length, `Choose at most ${allowed.length} scopes`)
    .transform((scopes) => [...new Set(scopes)]);

// A date as text (the API's JSON, the console's form), or a Date from code that calls the core directly.
const expiresAt = z
  .preprocess((value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : value), z.string({ error: 'Expiry must be a date' }).max(40, 'Expiry must be a date'))
  .pipe(z.coerce.date({ error: 'Expiry must be a date' }))
  .refine((date) => date.getTime() > Date.now(), 'Expiry must be in the future')
  .optional();

const strict = { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? 'Unknown field' : 'Expected an object') };

export const createApiKeyInput = z.strictObject({ name, scopes: scopesAmong(apiKeyScopes), expiresAt }, strict);

/** What an organization's key may be given: the scopes that mean something inside one organization (no users:*). */
export const organizationKeyScopes = ['organizations:read', 'organizations:write', 'events:read', 'webhooks:write'] as const satisfies readonly ApiKeyScope[];

export const createOrganizationApiKeyInput = z.strictObject({ name, scopes: scopesAmong(organizationKeyScopes), expiresAt }, strict);

export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;
export type CreateOrganizationApiKeyInput = z.input<typeof createOrganizationApiKeyInput>;
