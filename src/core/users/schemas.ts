import 'server-only';
import { z } from 'zod';
import { cursorToken, pageLimit } from '../page-query';
import { isStorableText } from '../bounds';

export const roles = ['member', 'viewer', 'admin', 'owner'] as const;
export const statuses = ['active', 'suspended'] as const;
export type Role = (typeof roles)[number];
export type Status = (typeof statuses)[number];

/** Longest name, plan and Stripe subscription status Roster stores (ROSTER_STRIPE_PLANS names and Stripe's statuses are checked against them). */
export const NAME_MAX = 200;
export const PLAN_MAX = 50;
export const SUBSCRIPTION_STATUS_MAX = 50;

export const email = z
  .string({ error: 'Email is required' })
  .trim()
  .toLowerCase()
  .max(254, 'Email must be at most 254 characters')
  .pipe(z.email({ error: 'Enter a valid email address' }))
  .meta({ format: 'email' });

export const name = z
  .string({ error: 'Name is required' })
  .trim()
  .min(1, 'Name is required')
  .max(NAME_MAX, `Name must be at most ${NAME_MAX} characters`)
  // PostgreSQL can't store these: a NUL fails the INSERT, and an unpaired surrogate is silently replaced by
  // U+FFFD in the text column and rejected by the jsonb audit record (a 500 on update).
  .refine((value) => !value.includes('\u0000'), 'Name must not contain NUL characters')
  .refine((value) => value.isWellFormed(), 'Name must not contain unpaired surrogate characters');

export const role = z.enum(roles, { error: `Role must be one of: ${roles.join(', ')}` });
const status = z.enum(statuses, { error: `Status must be one of: ${statuses.join(', ')}` });

/**
 * Strict objects: an unknown or protected field (id, version, plan, createdAt, ...) is an error,
 * never silently dropped or written.
 */
export const createUserInput = z.strictObject(
  { email, name, role: role.default('member'), status: status.default('active') },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Unknown or read-only field' : 'Expected a JSON object') },
);

export const SUSPENSION_REASON_MAX = 500;

/** Why staff suspend someone: shown on their page and recorded in the event. */
export const suspensionReason = z
  .string({ error: 'Reason is required' })
  .trim()
  .min(1, 'Reason is required')
  .max(SUSPENSION_REASON_MAX, `Reason must be at most ${SUSPENSION_REASON_MAX} characters`)
  .refine(isStorableText, 'Reason must not contain NUL or unpaired surrogate characters');

/** When a suspension ends by itself: a moment in the future, with its offset (`Z` for UTC). */
export const suspendedUntil = z.iso
  .datetime({ offset: true, error: 'Until must be a date and time with its offset, e.g. 2026-12-31T18:00:00Z' })
  .max(40)
  .refine((value) => new Date(value).getTime() > Date.now(), 'Until must be in the future');

export const updateUserInput = z
  .strictObject(
    {
      email: email.optional(),
      name: name.optional(),
      role: role.optional(),
      status: status.optional(),
      suspensionReason: suspensionReason.optional(),
      suspendedUntil: suspendedUntil.optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Unknown or read-only field' : 'Expected a JSON object') },
  )
  .refine((input) => input.status === 'suspended' || (input.suspensionReason === undefined && input.suspendedUntil === undefined), {
    message: 'A suspension reason and end go with status suspended, and only with it',
    path: ['status'],
  });

/** The console's Suspend form: a reason is required there; the end is optional (suspended until staff lift it). */
export const suspendUserInput = z.strictObject(
  { reason: suspensionReason, until: suspendedUntil.optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Unknown field' : 'Expected an object') },
);
export type SuspendUserInput = z.input<typeof suspendUserInput>;

/** What users may change about themselves through /me: role, plan, status and email belong to admins and billing. */
export const updateMeInput = z.strictObject(
  { name: name.optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Read-only field: only name can be changed here' : 'Expected a JSON object') },
);

/** Password length rules: one place for the core, Better Auth's sign-up and the console's change-password form. */
export const passwordLength = { min: 10, max: 128 } as const;

export const password = z
  .string({ error: 'Password is required' })
  .min(passwordLength.min, `Password must be at least ${passwordLength.min} characters`)
  .max(passwordLength.max, `Password must be at most ${passwordLength.max} characters`);

export const createOwnerInput = z.strictObject(
  { email, name, password },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Unknown field' : 'Expected an object') },
);

/**
 * Free text a filter compares with stored columns. PostgreSQL can't take a NUL in a query parameter (the query
 * fails: a 500) and nothing stored contains one or an unpaired surrogate, so both are a clear 400 instead.
 */
const filterText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .refine(isStorableText, `${label} must not contain NUL or unpaired surrogate characters`);

/** The users list's filters: the console's list, `GET /api/v1/users` and the export. */
export const userFilterQuery = z.object({
  search: filterText('Search', 100).optional(),
  role: role.optional(),
  status: status.optional(),
  plan: filterText('Plan', PLAN_MAX).min(1, 'Plan must not be empty').optional(),
  /** `none` selects users without a subscription. */
  subscriptionStatus: filterText('Subscription status', SUBSCRIPTION_STATUS_MAX).min(1, 'Subscription status must not be empty').optional(),
});

/** The users list's orders (src/core/users/sort.ts): `-` means descending; newest first is the default. */
export const userSorts = ['-createdAt', 'createdAt', 'name', '-name', 'email', '-email', '-lastActiveAt', 'lastActiveAt'] as const;
export type UserSort = (typeof userSorts)[number];

/** A users-list cursor holds a name (NAME_MAX characters, up to 4 bytes each) or an email, base64url-encoded. */
const USER_CURSOR_MAX = 1200;

export const listUsersQuery = userFilterQuery.extend({
  sort: z.enum(userSorts, { error: `Sort must be one of: ${userSorts.join(', ')}` }).default('-createdAt'),
  limit: pageLimit,
  cursor: cursorToken(USER_CURSOR_MAX),
});

export type CreateUserInput = z.input<typeof createUserInput>;
export type UpdateUserInput = z.input<typeof updateUserInput>;
export type UpdateMeInput = z.input<typeof updateMeInput>;
export type CreateOwnerInput = z.input<typeof createOwnerInput>;
export type ListUsersQuery = z.input<typeof listUsersQuery>;
export type ParsedListUsersQuery = z.output<typeof listUsersQuery>;
export type UserFilter = z.output<typeof userFilterQuery>;
export const userFields = ['email', 'name', 'role', 'status'] as const;
