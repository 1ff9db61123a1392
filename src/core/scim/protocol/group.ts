import 'server-only';
import { z } from 'zod';
import { SCIM_SCHEMAS } from '../discovery';
import { ScimError } from '../errors';
import { isPlainObject, scimMeta, scimObject, scimParse, scimText } from './values';
import { isStorableText } from '../../bounds';

/** The Group attributes Roster keeps (RFC 7643 §4.2). `memberIds` are SCIM ids of Users of the same organization. */
export interface ScimGroupAttributes {
  displayName: string;
  externalId: string | null;
  memberIds: string[];
}

/** Most members one request may name (a POST/PUT body, or one PATCH operation's value list). */
export const SCIM_MAX_MEMBERS = 1_000;

export const scimGroupFields = {
  displayName: z
    .string({ error: 'displayName is required' })
    .trim()
    .min(1, 'displayName is required')
    .max(200, 'displayName must be at most 200 characters')
    .refine(isStorableText, 'displayName must not contain NUL or unpaired surrogate characters'),
  externalId: scimText('externalId', 255),
  memberId: z.string({ error: 'A member needs a value (the user id)' }).trim().min(1, 'A member needs a value (the user id)').max(255, 'A member id must be at most 255 characters'),
};

/** A list of members, `[{"value": id, "display"?: …, "$ref"?: …}]`: POST/PUT bodies and PATCH values. */
export const scimMembers = z
  .array(scimObject({ value: scimGroupFields.memberId }))
  .max(SCIM_MAX_MEMBERS, `At most ${SCIM_MAX_MEMBERS} members in one request`);

const groupBody = scimObject({
  schemas: z.array(z.string().max(200)).max(10).optional(),
  displayName: scimGroupFields.displayName,
  externalId: scimGroupFields.externalId,
  members: scimMembers.nullish(),
});

/** Reads a POST or PUT `/Groups` body. Members named twice count once. Throws ScimError(400, invalidValue | invalidSyntax). */
export function parseScimGroup(body: unknown): ScimGroupAttributes {
  if (!isPlainObject(body)) throw new ScimError(400, 'invalidSyntax', 'The body must be a Group (a JSON object)');
  const parsed = scimParse(groupBody, body, '');
  if (parsed.schemas && !parsed.schemas.some((schema) => schema.toLowerCase() === SCIM_SCHEMAS.group.toLowerCase())) {
    throw new ScimError(400, 'invalidSyntax', `schemas must include ${SCIM_SCHEMAS.group}`);
  }
  return { displayName: parsed.displayName, externalId: parsed.externalId, memberIds: [...new Set((parsed.members ?? []).map((entry) => entry.value))] };
}

/** A group as Roster stores it. `members` may be left out when the caller asked for `excludedAttributes=members`. */
export interface ScimGroupView {
  id: string;
  displayName: string;
  externalId: string | null;
  members?: Array<{ id: string; display: string | null }>;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** The SCIM representation of a group (RFC 7643 §4.2); `excludeMembers` leaves `members` out (Entra asks for that). */
export function toScimGroup(view: ScimGroupView, baseUrl: string, { excludeMembers = false }: { excludeMembers?: boolean } = {}) {
  return {
    schemas: [SCIM_SCHEMAS.group],
    id: view.id,
    ...(view.externalId === null ? {} : { externalId: view.externalId }),
    displayName: view.displayName,
    ...(excludeMembers || view.members === undefined
      ? {}
      : {
          members: view.members.map((entry) => ({
            value: entry.id,
            ...(entry.display === null ? {} : { display: entry.display }),
            $ref: `${baseUrl}/Users/${encodeURIComponent(entry.id)}`,
            type: 'User',
          })),
        }),
    meta: scimMeta('Group', view, `${baseUrl}/Groups/${encodeURIComponent(view.id)}`),
  };
}
