import 'server-only';
import { z } from 'zod';
import { email } from '../../users/schemas';
import { SCIM_SCHEMAS } from '../discovery';
import { ScimError } from '../errors';
import { booleanValue, isPlainObject, scimMeta, scimObject, scimParse, scimText } from './values';
import { isStorableText } from '../../bounds';

/**
 * The User attributes Roster keeps (RFC 7643 §4.1 core User and §4.3 enterprise extension), flattened. Strings are
 * null when unassigned. `active` is undefined when a request left it out: a PUT without `active` (Okta sends the
 * whole user and may omit it) leaves the membership as it is instead of suspending it.
 */
export interface ScimUserAttributes {
  userName: string;
  externalId: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  /** The one email Roster keeps: the primary one, else the `work` one, else the first. */
  email: string | null;
  active: boolean | undefined;
  employeeNumber: string | null;
  department: string | null;
  /** The enterprise extension's `manager.value`: the SCIM id of the manager, as the identity provider sends it. */
  managerId: string | null;
}

/** One schema per attribute, shared by POST/PUT bodies and PATCH values, so both doors enforce the same limits. */
export const scimUserFields = {
  userName: z
    .string({ error: 'userName is required' })
    .trim()
    .min(1, 'userName is required')
    .max(254, 'userName must be at most 254 characters')
    .refine(isStorableText, 'userName must not contain NUL or unpaired surrogate characters'),
  externalId: scimText('externalId', 255),
  givenName: scimText('name.givenName', 200),
  familyName: scimText('name.familyName', 200),
  displayName: scimText('displayName', 200),
  email: email.nullable(),
  active: booleanValue('active'),
  employeeNumber: scimText('employeeNumber', 100),
  department: scimText('department', 200),
  managerId: scimText('manager', 255),
};

/** Most values of a multi-valued attribute Roster reads in one request (Roster keeps one email). */
export const SCIM_MAX_EMAILS = 20;

const emailEntry = scimObject({
  value: z.unknown(),
  type: z.string().max(50).optional().nullable(),
  primary: booleanValue('emails.primary').optional().nullable(),
});
export type ScimEmailEntry = z.infer<typeof emailEntry>;
/** A multi-valued `emails` (POST/PUT bodies and PATCH values). */
export const scimEmails = z.array(emailEntry).max(SCIM_MAX_EMAILS, `emails may hold at most ${SCIM_MAX_EMAILS} values`);

/** The email Roster keeps out of a multi-valued `emails`: primary, else `work`, else the first; null when none. */
export function pickEmail(entries: ScimEmailEntry[]): string | null {
  const chosen = entries.find((entry) => entry.primary === true) ?? entries.find((entry) => entry.type?.toLowerCase() === 'work') ?? entries[0];
  return chosen === undefined ? null : scimParse(scimUserFields.email, chosen.value, 'emails.value');
}

const enterpriseKey = SCIM_SCHEMAS.enterpriseUser;

const userBody = scimObject({
  schemas: z.array(z.string().max(200)).max(10).optional(),
  userName: z.unknown().optional(),
  externalId: z.unknown().optional(),
  name: scimObject({ givenName: z.unknown().optional(), familyName: z.unknown().optional() }).optional().nullable(),
  displayName: z.unknown().optional(),
  emails: scimEmails.optional().nullable(),
  active: z.unknown().optional(),
  [enterpriseKey]: scimObject({
    employeeNumber: z.unknown().optional(),
    department: z.unknown().optional(),
    manager: z.union([z.string(), scimObject({ value: z.unknown().optional() }), z.null()]).optional(),
  })
    .optional()
    .nullable(),
});

/**
 * Reads a POST or PUT `/Users` body (`application/scim+json` or `application/json`) into the attributes Roster keeps.
 * Attribute names are case-insensitive (RFC 7643 §2.1); attributes Roster does not keep (title, phoneNumbers,
 * addresses, password, ...) are ignored, so an identity provider's default mapping is accepted. Bad values throw
 * ScimError(400, 'invalidValue'), `schemas` without the User schema 400 'invalidSyntax'.
 */
export function parseScimUser(body: unknown): ScimUserAttributes {
  if (!isPlainObject(body)) throw new ScimError(400, 'invalidSyntax', 'The body must be a User (a JSON object)');
  const parsed = scimParse(userBody, body, '');
  if (parsed.schemas && !parsed.schemas.some((schema) => schema.toLowerCase() === SCIM_SCHEMAS.user.toLowerCase())) {
    throw new ScimError(400, 'invalidSyntax', `schemas must include ${SCIM_SCHEMAS.user}`);
  }
  const enterprise = parsed[enterpriseKey];
  const manager = enterprise?.manager;
  return {
    userName: scimParse(scimUserFields.userName, parsed.userName, 'userName'),
    externalId: scimParse(scimUserFields.externalId, parsed.externalId, 'externalId'),
    givenName: scimParse(scimUserFields.givenName, parsed.name?.givenName, 'name.givenName'),
    familyName: scimParse(scimUserFields.familyName, parsed.name?.familyName, 'name.familyName'),
    displayName: scimParse(scimUserFields.displayName, parsed.displayName, 'displayName'),
    email: pickEmail(parsed.emails ?? []),
    active: parsed.active === undefined || parsed.active === null ? undefined : scimParse(scimUserFields.active, parsed.active, 'active'),
    employeeNumber: scimParse(scimUserFields.employeeNumber, enterprise?.employeeNumber, 'employeeNumber'),
    department: scimParse(scimUserFields.department, enterprise?.department, 'department'),
    managerId: scimParse(scimUserFields.managerId, typeof manager === 'object' && manager !== null ? manager.value : manager, 'manager'),
  };
}

/** A user as Roster stores it, for its SCIM representation. */
export interface ScimUserView extends Omit<ScimUserAttributes, 'active'> {
  id: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** The SCIM representation of a user (RFC 7643 §4.1): unassigned attributes left out, meta true. */
export function toScimUser(view: ScimUserView, baseUrl: string) {
  const name = compact({ givenName: view.givenName, familyName: view.familyName });
  const enterprise = compact({
    employeeNumber: view.employeeNumber,
    department: view.department,
    manager: view.managerId === null ? null : { value: view.managerId, $ref: `${baseUrl}/Users/${encodeURIComponent(view.managerId)}` },
  });
  return {
    schemas: enterprise ? [SCIM_SCHEMAS.user, SCIM_SCHEMAS.enterpriseUser] : [SCIM_SCHEMAS.user],
    id: view.id,
    ...(view.externalId === null ? {} : { externalId: view.externalId }),
    userName: view.userName,
    ...(name ? { name } : {}),
    ...(view.displayName === null ? {} : { displayName: view.displayName }),
    ...(view.email === null ? {} : { emails: [{ value: view.email, type: 'work', primary: true }] }),
    active: view.active,
    ...(enterprise ? { [SCIM_SCHEMAS.enterpriseUser]: enterprise } : {}),
    meta: scimMeta('User', view, `${baseUrl}/Users/${encodeURIComponent(view.id)}`),
  };
}

/** The object without its null members; undefined when nothing is left. */
function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: NonNullable<T[K]> } | undefined {
  const entries = Object.entries(value).filter(([, member]) => member !== null && member !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as { [K in keyof T]?: NonNullable<T[K]> });
}
