import 'server-only';
import { SCIM_SCHEMAS } from '../discovery';
import { ScimError } from '../errors';
import { parseScimPath, type ScimAttributePath } from './filter';
import { pickEmail, scimEmails, scimUserFields, type ScimUserAttributes } from './user';
import { scimGroupFields, scimMembers } from './group';
import { isPlainObject, scimParse } from './values';

// PATCH (RFC 7644 §3.5.2) as Okta and Microsoft Entra really send it. `parsePatchRequest` checks the PatchOp message
// and normalises every operation to `{ op, path, value }` with a parsed path: op names in any case, path-less values
// split into one operation per member (Okta's `{"op":"replace","value":{"active":false}}`, Entra's dotted keys
// `{"name.givenName": …}`, the enterprise extension's URN as a key). `applyUserPatch` / `applyGroupPatch` then apply
// all operations to a copy, pure: the first bad one throws, so a request applies entirely or not at all.

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Most operations in one PATCH request (after path-less values are split into one operation per attribute). */
export const PATCH_MAX_OPERATIONS = 1_000;

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: ScimAttributePath;
  value: unknown;
}

// Maps, not object literals: a name such as `constructor` must find nothing, not Object.prototype's member.
const opNames = new Map<string, PatchOperation['op']>([['add', 'add'], ['replace', 'replace'], ['remove', 'remove']]);
/** Read-only members Okta repeats in a path-less value (`{"id": …, "displayName": …}`): skipped, not applied. */
const readOnlyKeys = new Set(['id', 'meta', 'schemas']);

/** `object[name]` with `name` matched case-insensitively (`Operations`, `operations`, `OPERATIONS`). */
function member(object: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

const syntaxError = (detail: string) => new ScimError(400, 'invalidSyntax', detail);

/** Validates a PatchOp message and normalises its operations. Throws ScimError(400, invalidSyntax | invalidPath | noTarget | invalidValue). */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw syntaxError('The body must be a PatchOp message (a JSON object)');
  const schemas = member(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw syntaxError(`schemas must include ${PATCH_OP_SCHEMA}`);
  }
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw syntaxError('Operations must be a non-empty array');
  const normalised: PatchOperation[] = [];
  for (const [index, operation] of operations.entries()) {
    if (!isPlainObject(operation)) throw syntaxError(`Operations[${index}] must be an object`);
    const opName = member(operation, 'op');
    const op = typeof opName === 'string' ? opNames.get(opName.toLowerCase()) : undefined;
    if (!op) throw syntaxError(`Operations[${index}].op must be add, replace or remove`);
    const path = member(operation, 'path');
    const value = member(operation, 'value');
    if (path !== undefined && path !== null && path !== '') {
      if (typeof path !== 'string') throw new ScimError(400, 'invalidPath', `Operations[${index}].path must be a string`);
      if (op !== 'remove' && value === undefined) throw new ScimError(400, 'invalidValue', `Operations[${index}]: ${op} needs a value`);
      normalised.push({ op, path: parseScimPath(path), value });
    } else if (op === 'remove') {
      throw new ScimError(400, 'noTarget', `Operations[${index}]: remove needs a path`);
    } else {
      if (!isPlainObject(value)) throw new ScimError(400, 'invalidValue', `Operations[${index}]: without a path, value must be an object of attributes`);
      normalised.push(...splitPathlessValue(op, value));
    }
    if (normalised.length > PATCH_MAX_OPERATIONS) throw new ScimError(400, 'invalidValue', `At most ${PATCH_MAX_OPERATIONS} operations in one request`);
  }
  return normalised;
}

/** `{"active": false, "name.givenName": "Ada", "urn:…:enterprise:2.0:User": {"department": "R&D"}}` → one operation per attribute. */
function splitPathlessValue(op: 'add' | 'replace', value: Record<string, unknown>): PatchOperation[] {
  return Object.entries(value).flatMap(([key, memberValue]) => {
    if (readOnlyKeys.has(key.toLowerCase())) return [];
    const path = parseScimPath(key);
    if (path.schema === 'enterprise' && path.attribute === '' && isPlainObject(memberValue)) {
      return Object.entries(memberValue).map(([name, extensionValue]) => ({ op, path: parseScimPath(`${SCIM_SCHEMAS.enterpriseUser}:${name}`), value: extensionValue }));
    }
    return [{ op, path, value: memberValue }];
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Users

/**
 * Attributes of RFC 7643's User schemas that Roster does not keep: accepted and ignored, so Okta's and Entra's default
 * attribute mappings (title, phone numbers, addresses, ...) provision without errors. Anything else is invalidPath.
 */
export const IGNORED_USER_ATTRIBUTES = {
  core: ['nickname', 'profileurl', 'title', 'usertype', 'preferredlanguage', 'locale', 'timezone', 'password', 'phonenumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509certificates'],
  name: ['formatted', 'middlename', 'honorificprefix', 'honorificsuffix'],
  enterprise: ['costcenter', 'organization', 'division'],
} as const;

const readOnlyAttribute = (attribute: string) => new ScimError(400, 'mutability', `${attribute} is read-only`);
const invalidPath = (detail: string) => new ScimError(400, 'invalidPath', detail);
const describePath = (path: ScimAttributePath) =>
  [path.schema === 'enterprise' ? `${SCIM_SCHEMAS.enterpriseUser}:${path.attribute}` : path.attribute, path.subAttribute].filter(Boolean).join('.');

/** Applies normalised operations to a user. Pure; throws ScimError(400, invalidPath | invalidValue | noTarget | mutability). */
export function applyUserPatch(user: ScimUserAttributes, operations: PatchOperation[]): ScimUserAttributes {
  return operations.reduce(applyUserOperation, { ...user });
}

type NullableUserField = 'externalId' | 'displayName' | 'givenName' | 'familyName' | 'employeeNumber' | 'department' | 'managerId';

function setText(user: ScimUserAttributes, field: NullableUserField, { op, value }: PatchOperation, attribute: string): ScimUserAttributes {
  return { ...user, [field]: op === 'remove' ? null : scimParse(scimUserFields[field], value, attribute) };
}

function applyUserOperation(user: ScimUserAttributes, operation: PatchOperation): ScimUserAttributes {
  const { path } = operation;
  if (path.schema === 'enterprise') return applyEnterpriseOperation(user, operation);
  if ((IGNORED_USER_ATTRIBUTES.core as readonly string[]).includes(path.attribute)) return user;
  if (path.valueFilter && path.attribute !== 'emails') throw invalidPath(`A value filter is not supported on ${path.attribute}`);
  const plain = path.subAttribute === undefined;
  switch (path.attribute) {
    case 'username':
      if (!plain) break;
      if (operation.op === 'remove') throw new ScimError(400, 'invalidValue', 'userName is required and cannot be removed');
      return { ...user, userName: scimParse(scimUserFields.userName, operation.value, 'userName') };
    case 'externalid':
      if (!plain) break;
      return setText(user, 'externalId', operation, 'externalId');
    case 'displayname':
      if (!plain) break;
      return setText(user, 'displayName', operation, 'displayName');
    case 'active':
      if (!plain) break;
      if (operation.op === 'remove') throw new ScimError(400, 'invalidValue', 'active cannot be removed; set it to true or false');
      return { ...user, active: scimParse(scimUserFields.active, operation.value, 'active') };
    case 'name':
      return applyNameOperation(user, operation);
    case 'emails':
      return applyEmailsOperation(user, operation);
    case 'id':
    case 'meta':
    case 'groups':
      throw readOnlyAttribute(path.attribute);
  }
  throw invalidPath(`Unknown or unsupported attribute: ${describePath(path)}`);
}

const nameFields = new Map<string, 'givenName' | 'familyName'>([['givenname', 'givenName'], ['familyname', 'familyName']]);

function applyNameOperation(user: ScimUserAttributes, operation: PatchOperation): ScimUserAttributes {
  const sub = operation.path.subAttribute;
  if (sub !== undefined) {
    const field = nameFields.get(sub);
    if (field) return setText(user, field, operation, `name.${field}`);
    if ((IGNORED_USER_ATTRIBUTES.name as readonly string[]).includes(sub)) return user;
    throw invalidPath(`Unknown attribute: name.${sub}`);
  }
  if (operation.op === 'remove') return { ...user, givenName: null, familyName: null };
  if (!isPlainObject(operation.value)) throw new ScimError(400, 'invalidValue', 'name must be an object');
  // A complex value replaces the sub-attributes it names and leaves the others (RFC 7644 §3.5.2.3).
  let next = user;
  for (const [key, value] of Object.entries(operation.value)) {
    next = applyNameOperation(next, { op: operation.op, path: { schema: 'core', attribute: 'name', subAttribute: key.toLowerCase() }, value });
  }
  return next;
}

function applyEmailsOperation(user: ScimUserAttributes, operation: PatchOperation): ScimUserAttributes {
  const { valueFilter: filter, subAttribute: sub } = operation.path;
  if (sub !== undefined && !['value', 'type', 'primary', 'display'].includes(sub)) throw invalidPath(`Unknown attribute: emails.${sub}`);
  // Roster keeps one email, the work (or primary) one: `type`, `primary` and `display` describe it and are not kept.
  if (sub !== undefined && sub !== 'value') return user;
  if (filter) {
    if (filter.attribute === 'type') {
      // Another type (home, other) is not the email Roster keeps: ignored, so it never overwrites the work email.
      if (filter.operator !== 'eq' || filter.value.toLowerCase() !== 'work') return user;
    } else if (filter.attribute === 'value') {
      const matches = user.email !== null && filter.operator === 'eq' && filter.value.toLowerCase() === user.email.toLowerCase();
      if (!matches) {
        if (operation.op === 'remove') return user;
        throw new ScimError(400, 'noTarget', 'No email matches the path filter');
      }
    } else {
      throw invalidPath(`Unsupported email filter on ${filter.attribute}; use type or value`);
    }
    if (operation.op === 'remove') return { ...user, email: null };
    // `emails[type eq "work"].value` carries the address; `emails[type eq "work"]` an email object.
    const value = sub === 'value' ? operation.value : isPlainObject(operation.value) ? member(operation.value, 'value') : operation.value;
    return { ...user, email: scimParse(scimUserFields.email, value, 'emails.value') };
  }
  if (operation.op === 'remove') return { ...user, email: null };
  if (sub === 'value') return { ...user, email: scimParse(scimUserFields.email, operation.value, 'emails.value') };
  const email = pickEmail(scimParse(scimEmails, Array.isArray(operation.value) ? operation.value : [operation.value], 'emails'));
  // `add` with no values adds nothing; `replace` with none clears.
  return email === null && operation.op === 'add' ? user : { ...user, email };
}

const enterpriseFields = new Map<string, 'employeeNumber' | 'department'>([['employeenumber', 'employeeNumber'], ['department', 'department']]);

function applyEnterpriseOperation(user: ScimUserAttributes, operation: PatchOperation): ScimUserAttributes {
  const { path } = operation;
  if (path.valueFilter) throw invalidPath(`A value filter is not supported on ${describePath(path)}`);
  if (path.attribute === '') {
    // The whole extension: remove clears it; a value is an object of its attributes.
    if (operation.op === 'remove') return { ...user, employeeNumber: null, department: null, managerId: null };
    if (!isPlainObject(operation.value)) throw new ScimError(400, 'invalidValue', `${SCIM_SCHEMAS.enterpriseUser} must be an object`);
    let next = user;
    for (const [key, value] of Object.entries(operation.value)) {
      next = applyEnterpriseOperation(next, { op: operation.op, path: parseScimPath(`${SCIM_SCHEMAS.enterpriseUser}:${key}`), value });
    }
    return next;
  }
  const field = enterpriseFields.get(path.attribute);
  if (field && path.subAttribute === undefined) return setText(user, field, operation, field);
  if (path.attribute === 'manager') {
    if (path.subAttribute === 'displayname' || path.subAttribute === '$ref') return user;
    if (path.subAttribute !== undefined && path.subAttribute !== 'value') throw invalidPath(`Unknown attribute: manager.${path.subAttribute}`);
    // Entra sends the manager's id as a bare string; RFC 7643 as `{"value": id}`.
    const value = path.subAttribute === undefined && isPlainObject(operation.value) ? member(operation.value, 'value') : operation.value;
    return setText(user, 'managerId', { ...operation, value }, 'manager');
  }
  if ((IGNORED_USER_ATTRIBUTES.enterprise as readonly string[]).includes(path.attribute)) return user;
  throw invalidPath(`Unknown or unsupported attribute: ${describePath(path)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Groups

export type MemberChange = { op: 'add' | 'remove' | 'replace'; userIds: string[] | 'all' };

export interface GroupPatchResult {
  displayName: string;
  externalId: string | null;
  /** Membership changes in request order; the caller applies them in order, in the same transaction. */
  memberChanges: MemberChange[];
}

/** Applies normalised operations to a group. Pure; throws ScimError(400, invalidPath | invalidValue | mutability). */
export function applyGroupPatch(group: { displayName: string; externalId: string | null }, operations: PatchOperation[]): GroupPatchResult {
  let result: GroupPatchResult = { displayName: group.displayName, externalId: group.externalId, memberChanges: [] };
  for (const operation of operations) result = applyGroupOperation(result, operation);
  return result;
}

function applyGroupOperation(group: GroupPatchResult, operation: PatchOperation): GroupPatchResult {
  const { path, op } = operation;
  if (path.schema !== 'core') throw invalidPath(`Unknown attribute on a group: ${describePath(path)}`);
  const plain = path.subAttribute === undefined && !path.valueFilter;
  switch (path.attribute) {
    case 'displayname':
      if (!plain) break;
      if (op === 'remove') throw new ScimError(400, 'invalidValue', 'displayName is required and cannot be removed');
      return { ...group, displayName: scimParse(scimGroupFields.displayName, operation.value, 'displayName') };
    case 'externalid':
      if (!plain) break;
      return { ...group, externalId: op === 'remove' ? null : scimParse(scimGroupFields.externalId, operation.value, 'externalId') };
    case 'members':
      return { ...group, memberChanges: [...group.memberChanges, memberChange(operation)] };
    case 'id':
    case 'meta':
      throw readOnlyAttribute(path.attribute);
  }
  throw invalidPath(`Unknown or unsupported attribute on a group: ${describePath(path)}`);
}

function memberChange({ op, path, value }: PatchOperation): MemberChange {
  if (path.subAttribute !== undefined) throw invalidPath('A member is changed as a whole: use members or members[value eq "…"]');
  const filter = path.valueFilter;
  if (filter) {
    // `members[value eq "id"]`: Okta's and Entra's removal of one member.
    if (op !== 'remove' || filter.attribute !== 'value' || filter.operator !== 'eq') {
      throw invalidPath('members[…] is supported for remove, as members[value eq "id"]');
    }
    return { op: 'remove', userIds: [scimParse(scimGroupFields.memberId, filter.value, 'members.value')] };
  }
  // remove without a value removes every member (RFC 7644 §3.5.2.2); with a list, those members (Entra).
  if (op === 'remove' && (value === undefined || value === null)) return { op, userIds: 'all' };
  return { op, userIds: scimParse(scimMembers, Array.isArray(value) ? value : [value], 'members').map((entry) => entry.value) };
}
