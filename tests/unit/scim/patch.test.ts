import { describe, expect, it } from 'vitest';
import { applyGroupPatch, applyUserPatch, parsePatchRequest, PATCH_OP_SCHEMA } from '@/core/scim/protocol/patch';
import type { ScimUserAttributes } from '@/core/scim/protocol/user';
import entra from '../../fixtures/scim/entra.json';
import okta from '../../fixtures/scim/okta.json';
import { refusal } from './refusal';

const USER_ID = '0193f1a0-0000-7000-8000-000000000001';
/** A fixture body with its {userId} placeholders filled in, as the route tests do. */
const body = (fixture: { body?: unknown }) => JSON.parse(JSON.stringify(fixture.body).replaceAll('{userId}', USER_ID)) as unknown;

const ada: ScimUserAttributes = {
  userName: 'ada@example.com',
  externalId: '00u1',
  givenName: 'Ada',
  familyName: 'Lovelace',
  displayName: 'Ada Lovelace',
  email: 'ada@example.com',
  active: true,
  employeeNumber: '42',
  department: 'Engineering',
  managerId: null,
};

const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations });
const applyUser = (request: unknown, user = ada) => applyUserPatch(user, parsePatchRequest(request));

/** A short test title for an operation (some values are long lists). */
const label = (operation: unknown) => {
  const { op, path, value } = operation as { op: string; path?: string; value?: unknown };
  const text = JSON.stringify(value) ?? '';
  return `${op} ${path ?? ''} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
};

describe('parsePatchRequest', () => {
  it('normalises op names in any case and parses paths', () => {
    expect(parsePatchRequest(patch({ op: 'Replace', path: 'active', value: false }, { op: 'ADD', path: 'name.givenName', value: 'A' }, { op: 'remove', path: 'externalId' }))).toEqual([
      { op: 'replace', path: { schema: 'core', attribute: 'active' }, value: false },
      { op: 'add', path: { schema: 'core', attribute: 'name', subAttribute: 'givenname' }, value: 'A' },
      { op: 'remove', path: { schema: 'core', attribute: 'externalid' }, value: undefined },
    ]);
  });

  it('splits path-less values into one operation per attribute, skipping the read-only id Okta repeats', () => {
    expect(parsePatchRequest(body(okta.renameGroup))).toEqual([{ op: 'replace', path: { schema: 'core', attribute: 'displayname' }, value: 'Test SCIMv2 renamed' }]);
    expect(
      parsePatchRequest(patch({ op: 'add', value: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D', manager: { value: 'm1' } } } })),
    ).toEqual([
      { op: 'add', path: { schema: 'enterprise', attribute: 'department' }, value: 'R&D' },
      { op: 'add', path: { schema: 'enterprise', attribute: 'manager' }, value: { value: 'm1' } },
    ]);
  });

  it('reads Operations and schemas case-insensitively', () => {
    expect(parsePatchRequest({ SCHEMAS: [PATCH_OP_SCHEMA.toUpperCase()], operations: [{ OP: 'replace', PATH: 'active', VALUE: 'false' }] })).toHaveLength(1);
  });

  it.each([
    [null, 'invalidSyntax'],
    [[], 'invalidSyntax'],
    [{ Operations: [{ op: 'add', path: 'active', value: true }] }, 'invalidSyntax'],
    [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'add', path: 'active', value: true }] }, 'invalidSyntax'],
    [patch(), 'invalidSyntax'],
    [{ schemas: [PATCH_OP_SCHEMA], Operations: {} }, 'invalidSyntax'],
    [patch('replace'), 'invalidSyntax'],
    [patch({ op: 'move', path: 'active', value: true }), 'invalidSyntax'],
    [patch({ op: 5, path: 'active', value: true }), 'invalidSyntax'],
    [patch({ op: 'remove' }), 'noTarget'],
    [patch({ op: 'replace', value: 'x' }), 'invalidValue'],
    [patch({ op: 'replace', value: [{ active: false }] }), 'invalidValue'],
    [patch({ op: 'replace', path: 'active' }), 'invalidValue'],
    [patch({ op: 'replace', path: 7, value: 'x' }), 'invalidPath'],
    [patch({ op: 'replace', path: 'members[value eq', value: 'x' }), 'invalidPath'],
    [patch({ op: 'replace', value: { 'a b': 1 } }), 'invalidPath'],
  ])('refuses %j with 400 %s', (request, scimType) => {
    const error = refusal(() => parsePatchRequest(request));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
  });

  it('caps the number of operations', () => {
    const many = patch(...Array.from({ length: 1_001 }, () => ({ op: 'replace', path: 'active', value: true })));
    expect(refusal(() => parsePatchRequest(many))).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });
});

describe('applyUserPatch: Okta', () => {
  it('deactivates and reactivates with the path-less value', () => {
    expect(applyUser(body(okta.deactivateUser))).toEqual({ ...ada, active: false });
    expect(applyUser(body(okta.reactivateUser), { ...ada, active: false })).toEqual({ ...ada, active: true });
  });

  it('ignores a pushed password: Roster never takes one over SCIM', () => {
    expect(applyUser(body(okta.updateUserPassword))).toEqual(ada);
  });
});

describe('applyUserPatch: Entra', () => {
  it('applies the RFC-compliant shapes', () => {
    expect(applyUser(body(entra.updateUserMultiValued))).toEqual({ ...ada, email: 'updatedemail@microsoft.com', familyName: 'updatedFamilyName' });
    expect(applyUser(body(entra.updateUserSingleValued))).toEqual({ ...ada, userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' });
    expect(applyUser(body(entra.disableUser))).toEqual({ ...ada, active: false });
  });

  it('applies the legacy shapes: booleans as strings, path-less dotted keys', () => {
    expect(applyUser(body(entra.disableUserLegacy))).toEqual({ ...ada, active: false });
    expect(applyUser(body(entra.enableUserLegacy), { ...ada, active: false })).toEqual({ ...ada, active: true });
    expect(applyUser(body(entra.updateUserLegacyDottedKeys))).toEqual({
      ...ada,
      displayName: 'Barbara Jensen',
      givenName: 'Barbara',
      familyName: 'Jensen',
      email: 'babs@contoso.com',
      department: 'Finance',
    });
  });

  it('applies enterprise extension paths, the manager as a bare id or {value}, and its removal', () => {
    const updated = applyUser(body(entra.updateUserEnterprise));
    expect(updated).toEqual({ ...ada, employeeNumber: '701985', department: 'Sales', managerId: '2819c223-7f76-453a-919d-413861904646', externalId: 'idp-7c1f5d' });
    expect(applyUser(body(entra.removeUserManager), updated)).toEqual({ ...updated, managerId: null });
    expect(applyUser(patch({ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: { value: 'm2' } })).managerId).toBe('m2');
    expect(applyUser(patch({ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value', value: 'm3' })).managerId).toBe('m3');
    expect(applyUser(patch({ op: 'remove', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' }))).toEqual({ ...ada, employeeNumber: null, department: null });
  });
});

describe('applyUserPatch: RFC 7644 rules', () => {
  it('merges a complex name value and removes name sub-attributes', () => {
    expect(applyUser(patch({ op: 'replace', path: 'name', value: { givenName: 'Augusta', formatted: 'ignored' } }))).toEqual({ ...ada, givenName: 'Augusta' });
    expect(applyUser(patch({ op: 'remove', path: 'name.familyName' }))).toEqual({ ...ada, familyName: null });
    expect(applyUser(patch({ op: 'remove', path: 'name' }))).toEqual({ ...ada, givenName: null, familyName: null });
  });

  it('keeps one email: primary, else work, else first; other types never overwrite it', () => {
    const emails = [
      { value: 'home@example.com', type: 'home' },
      { value: 'work@example.com', type: 'work' },
      { value: 'main@example.com', type: 'other', primary: 'True' },
    ];
    expect(applyUser(patch({ op: 'replace', path: 'emails', value: emails })).email).toBe('main@example.com');
    expect(applyUser(patch({ op: 'replace', path: 'emails', value: emails.slice(0, 2) })).email).toBe('work@example.com');
    expect(applyUser(patch({ op: 'replace', path: 'emails[type eq "home"].value', value: 'home@example.com' })).email).toBe('ada@example.com');
    expect(applyUser(patch({ op: 'replace', path: 'emails[type eq "work"]', value: { value: 'New@Example.com' } })).email).toBe('new@example.com');
    expect(applyUser(patch({ op: 'remove', path: 'emails[value eq "ADA@example.com"]' })).email).toBeNull();
    expect(applyUser(patch({ op: 'remove', path: 'emails[value eq "other@example.com"]' })).email).toBe('ada@example.com');
    expect(applyUser(patch({ op: 'add', path: 'emails', value: [] })).email).toBe('ada@example.com');
    expect(applyUser(patch({ op: 'replace', path: 'emails', value: [] })).email).toBeNull();
  });

  it('treats empty strings and null as unassigned, trims values', () => {
    expect(applyUser(patch({ op: 'replace', path: 'displayName', value: '' })).displayName).toBeNull();
    expect(applyUser(patch({ op: 'replace', path: 'externalId', value: null })).externalId).toBeNull();
    expect(applyUser(patch({ op: 'replace', path: 'displayName', value: '  Ada  ' })).displayName).toBe('Ada');
  });

  it('ignores attributes of the RFC schemas Roster does not keep', () => {
    expect(applyUser(patch({ op: 'replace', path: 'title', value: 'CTO' }, { op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '+1 555' }, { op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter', value: '4130' }))).toEqual(ada);
  });

  it('applies all operations or none', () => {
    const request = patch({ op: 'replace', path: 'displayName', value: 'Changed' }, { op: 'replace', path: 'active', value: 'maybe' });
    const user = { ...ada };
    expect(refusal(() => applyUser(request, user)).scimType).toBe('invalidValue');
    expect(user).toEqual(ada);
  });

  it.each([
    [{ op: 'replace', path: 'active', value: 'yes' }, 'invalidValue'],
    [{ op: 'replace', path: 'active', value: 1 }, 'invalidValue'],
    [{ op: 'remove', path: 'active' }, 'invalidValue'],
    [{ op: 'remove', path: 'userName' }, 'invalidValue'],
    [{ op: 'replace', path: 'userName', value: '' }, 'invalidValue'],
    [{ op: 'replace', path: 'userName', value: 'x'.repeat(255) }, 'invalidValue'],
    [{ op: 'replace', path: 'displayName', value: 'x'.repeat(201) }, 'invalidValue'],
    [{ op: 'replace', path: 'displayName', value: 'a\u0000b' }, 'invalidValue'],
    [{ op: 'replace', path: 'displayName', value: { text: 'x' } }, 'invalidValue'],
    [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'not-an-email' }, 'invalidValue'],
    [{ op: 'replace', path: 'emails', value: Array.from({ length: 21 }, (_, index) => ({ value: `u${index}@example.com` })) }, 'invalidValue'],
    [{ op: 'replace', path: 'emails[value eq "other@example.com"].value', value: 'x@example.com' }, 'noTarget'],
    [{ op: 'replace', path: 'name', value: 'Ada' }, 'invalidValue'],
    [{ op: 'replace', path: 'name.nickname', value: 'Ada' }, 'invalidPath'],
    [{ op: 'replace', path: 'shoeSize', value: '42' }, 'invalidPath'],
    [{ op: 'replace', path: 'displayName.first', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'externalId.first', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'userName[type eq "x"]', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'emails.label', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:favouriteColour', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'id', value: 'x' }, 'mutability'],
    [{ op: 'replace', path: 'meta', value: {} }, 'mutability'],
  ].map(([operation, scimType]) => [label(operation), scimType, operation] as const))('refuses %s with 400 %s', (_, scimType, operation) => {
    const error = refusal(() => applyUser(patch(operation)));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
  });
});

describe('applyGroupPatch', () => {
  const engineering = { displayName: 'Engineering', externalId: null };
  const applyGroup = (request: unknown) => applyGroupPatch(engineering, parsePatchRequest(request));

  it('renames (Okta path-less with id, Entra with path)', () => {
    expect(applyGroup(body(okta.renameGroup))).toEqual({ displayName: 'Test SCIMv2 renamed', externalId: null, memberChanges: [] });
    expect(applyGroup(body(entra.renameGroup))).toMatchObject({ displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' });
  });

  it('adds and removes members by every shape Okta and Entra send', () => {
    expect(applyGroup(body(okta.addGroupMembers)).memberChanges).toEqual([{ op: 'add', userIds: [USER_ID] }]);
    expect(applyGroup(body(okta.removeGroupMember)).memberChanges).toEqual([{ op: 'remove', userIds: [USER_ID] }]);
    expect(applyGroup(body(entra.addGroupMember)).memberChanges).toEqual([{ op: 'add', userIds: [USER_ID] }]);
    expect(applyGroup(body(entra.removeGroupMemberByValueList)).memberChanges).toEqual([{ op: 'remove', userIds: [USER_ID] }]);
    expect(applyGroup(body(entra.removeGroupMemberByFilter)).memberChanges).toEqual([{ op: 'remove', userIds: [USER_ID] }]);
  });

  it('keeps member changes in request order, and reads replace, remove-all and path-less members', () => {
    expect(
      applyGroup(
        patch(
          { op: 'remove', path: 'members' },
          { op: 'add', value: { members: [{ value: 'a' }, { value: 'b' }], externalId: 'ext-1' } },
          { op: 'replace', path: 'members', value: [{ value: 'c' }] },
        ),
      ),
    ).toEqual({
      displayName: 'Engineering',
      externalId: 'ext-1',
      memberChanges: [
        { op: 'remove', userIds: 'all' },
        { op: 'add', userIds: ['a', 'b'] },
        { op: 'replace', userIds: ['c'] },
      ],
    });
  });

  it.each([
    [{ op: 'remove', path: 'displayName' }, 'invalidValue'],
    [{ op: 'replace', path: 'displayName', value: '' }, 'invalidValue'],
    [{ op: 'replace', path: 'displayName', value: 'x'.repeat(201) }, 'invalidValue'],
    [{ op: 'add', path: 'members', value: [{ display: 'no value' }] }, 'invalidValue'],
    [{ op: 'add', path: 'members', value: [{ value: '' }] }, 'invalidValue'],
    [{ op: 'add', path: 'members', value: Array.from({ length: 1_001 }, (_, index) => ({ value: `u${index}` })) }, 'invalidValue'],
    [{ op: 'add', path: 'members[value eq "a"]', value: [{ value: 'a' }] }, 'invalidPath'],
    [{ op: 'remove', path: 'members[display eq "a"]' }, 'invalidPath'],
    [{ op: 'remove', path: 'members.value' }, 'invalidPath'],
    [{ op: 'replace', path: 'owner', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'id', value: 'x' }, 'mutability'],
  ].map(([operation, scimType]) => [label(operation), scimType, operation] as const))('refuses %s with 400 %s', (_, scimType, operation) => {
    const error = refusal(() => applyGroup(patch(operation)));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
  });
});
