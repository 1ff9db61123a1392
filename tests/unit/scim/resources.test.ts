import { describe, expect, it } from 'vitest';
import { parseScimGroup, toScimGroup } from '@/core/scim/protocol/group';
import { SCIM_MAX_RESULTS } from '@/core/scim/discovery';
import { parseScimListQuery, toListResponse } from '@/core/scim/protocol/list';
import { parseScimUser, toScimUser, type ScimUserView } from '@/core/scim/protocol/user';
import { scimExpectedVersion, scimVersion } from '@/core/scim/protocol/values';
import entra from '../../fixtures/scim/entra.json';
import okta from '../../fixtures/scim/okta.json';
import { refusal } from './refusal';

const BASE = 'https://roster.example/api/scim/v2';

describe('parseScimUser', () => {
  it("reads Okta's create body, ignoring the password, locale and groups it sends", () => {
    expect(parseScimUser(okta.createUser.body)).toEqual({
      userName: 'test.user@okta.local',
      externalId: '00ujl29u0le5T6Aj10h7',
      givenName: 'Test',
      familyName: 'User',
      displayName: 'Test User',
      email: 'test.user@okta.local',
      active: true,
      employeeNumber: null,
      department: null,
      managerId: null,
    });
  });

  it("leaves active undefined when Okta's PUT omits it", () => {
    expect(parseScimUser(okta.replaceUserWithoutActive.body).active).toBeUndefined();
    expect(parseScimUser(okta.replaceUser.body)).toMatchObject({ givenName: 'Another', displayName: 'Another Test User', active: true });
  });

  it("reads Entra's bodies, the enterprise extension included", () => {
    expect(parseScimUser(entra.createUser.body)).toMatchObject({
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      email: 'test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com',
      givenName: 'givenName',
      familyName: 'familyName',
    });
    expect(parseScimUser(entra.createUserEnterprise.body)).toEqual({
      userName: 'adele.vance@contoso.com',
      externalId: 'idp-7c1f5d',
      givenName: 'Adele',
      familyName: 'Vance',
      displayName: 'Adele Vance',
      email: 'adelev@contoso.com',
      active: true,
      employeeNumber: '701984',
      department: 'Retail',
      managerId: '2819c223-7f76-453a-919d-413861904646',
    });
  });

  it('matches attribute names case-insensitively and takes "True"/"False" for active', () => {
    expect(parseScimUser({ USERNAME: 'a@example.com', Active: 'False', NAME: { GivenName: 'A' } })).toMatchObject({ userName: 'a@example.com', active: false, givenName: 'A' });
  });

  it.each([
    ['not an object', 'invalidSyntax', 'user'],
    ['schemas without the User schema', 'invalidSyntax', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'a' }],
    ['no userName', 'invalidValue', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] }],
    ['a userName of 255 characters', 'invalidValue', { userName: 'x'.repeat(255) }],
    ['a numeric userName', 'invalidValue', { userName: 42 }],
    ['active "yes"', 'invalidValue', { userName: 'a', active: 'yes' }],
    ['a bad email', 'invalidValue', { userName: 'a', emails: [{ value: 'not-an-email', primary: true }] }],
    ['21 emails', 'invalidValue', { userName: 'a', emails: Array.from({ length: 21 }, (_, index) => ({ value: `u${index}@example.com` })) }],
    ['a givenName of 201 characters', 'invalidValue', { userName: 'a', name: { givenName: 'x'.repeat(201) } }],
    ['a NUL in displayName', 'invalidValue', { userName: 'a', displayName: 'a\u0000' }],
    ['a manager that is a number', 'invalidValue', { userName: 'a', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: 7 } }],
  ])('refuses %s with 400 %s', (_, scimType, body) => {
    const error = refusal(() => parseScimUser(body));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
  });
});

describe('toScimUser', () => {
  const view: ScimUserView = {
    id: '0193f1a0-0000-7000-8000-000000000001',
    userName: 'ada@example.com',
    externalId: '00u1',
    givenName: 'Ada',
    familyName: null,
    displayName: null,
    email: 'ada@example.com',
    active: false,
    employeeNumber: null,
    department: 'R&D',
    managerId: 'm1',
    createdAt: new Date('2026-01-02T03:04:05.000Z'),
    updatedAt: new Date('2026-02-03T04:05:06.000Z'),
    version: 3,
  };

  it('answers the SCIM shape with true meta, leaving unassigned attributes out', () => {
    expect(toScimUser(view, BASE)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      id: view.id,
      externalId: '00u1',
      userName: 'ada@example.com',
      name: { givenName: 'Ada' },
      emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
      active: false,
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'R&D', manager: { value: 'm1', $ref: `${BASE}/Users/m1` } },
      meta: { resourceType: 'User', created: '2026-01-02T03:04:05.000Z', lastModified: '2026-02-03T04:05:06.000Z', location: `${BASE}/Users/${view.id}`, version: 'W/"3"' },
    });
  });

  it('round-trips through parseScimUser', () => {
    const { active, ...attributes } = parseScimUser(toScimUser({ ...view, givenName: null, externalId: null, department: null, managerId: null }, BASE));
    expect(active).toBe(false);
    expect(attributes).toEqual({ userName: view.userName, externalId: null, givenName: null, familyName: null, displayName: null, email: view.email, employeeNumber: null, department: null, managerId: null });
  });
});

describe('parseScimGroup and toScimGroup', () => {
  it("reads Okta's and Entra's group bodies (Entra's extra schema is allowed)", () => {
    expect(parseScimGroup(okta.createGroup.body)).toEqual({ displayName: 'Test SCIMv2', externalId: null, memberIds: [] });
    expect(parseScimGroup(entra.createGroup.body)).toEqual({ displayName: 'displayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', memberIds: [] });
    expect(parseScimGroup({ displayName: 'G', members: [{ value: 'a' }, { value: 'b', display: 'B' }, { VALUE: 'a' }] }).memberIds).toEqual(['a', 'b']);
  });

  it.each([
    ['no displayName', { members: [] }, 'invalidValue'],
    ['not an object', [], 'invalidSyntax'],
    ['an empty displayName', { displayName: ' ' }, 'invalidValue'],
    ['a member without value', { displayName: 'G', members: [{ display: 'x' }] }, 'invalidValue'],
    ['members that are not a list', { displayName: 'G', members: 'a' }, 'invalidValue'],
    ['schemas without the Group schema', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], displayName: 'G' }, 'invalidSyntax'],
  ])('refuses %s', (_, body, scimType) => {
    expect(refusal(() => parseScimGroup(body)).scimType).toBe(scimType);
  });

  const group = {
    id: 'g1',
    displayName: 'Engineering',
    externalId: null,
    members: [{ id: 'u1', display: 'Ada' }, { id: 'u2', display: null }],
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    updatedAt: new Date('2026-01-01T00:00:00.000Z'),
    version: 1,
  };

  it('answers members with $ref, or none when excluded', () => {
    expect(toScimGroup(group, BASE)).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g1',
      displayName: 'Engineering',
      members: [
        { value: 'u1', display: 'Ada', $ref: `${BASE}/Users/u1`, type: 'User' },
        { value: 'u2', $ref: `${BASE}/Users/u2`, type: 'User' },
      ],
      meta: { resourceType: 'Group', created: '2026-01-01T00:00:00.000Z', lastModified: '2026-01-01T00:00:00.000Z', location: `${BASE}/Groups/g1`, version: 'W/"1"' },
    });
    expect(toScimGroup(group, BASE, { excludeMembers: true })).not.toHaveProperty('members');
  });
});

describe('list queries and responses', () => {
  const query = (text: string, resource: 'User' | 'Group' = 'User') => parseScimListQuery(new URLSearchParams(text), resource);

  it("reads Okta's and Entra's list requests", () => {
    expect(query(new URL(`${BASE}${okta.filterUserName.path}`).search)).toEqual({
      filter: { kind: 'compare', attribute: 'userName', operator: 'eq', value: 'test.user@okta.local' },
      startIndex: 1,
      count: 100,
      excludedAttributes: [],
    });
    expect(query(new URL(`${BASE}${entra.filterGroupDisplayName.path}`).search, 'Group')).toMatchObject({
      filter: { kind: 'compare', attribute: 'displayName', value: 'displayName' },
      excludedAttributes: ['members'],
    });
    expect(query(new URL(`${BASE}${entra.filterExternalId.path}`).search).filter).toEqual({ kind: 'compare', attribute: 'externalId', operator: 'eq', value: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' });
    const membership = entra.groupMembershipCheck.path.replace('{groupId}', 'g1').replace('{userId}', 'u1');
    expect(query(new URL(`${BASE}${membership}`).search, 'Group')).toMatchObject({
      filter: {
        kind: 'and',
        left: { kind: 'compare', attribute: 'id', operator: 'eq', value: 'g1' },
        right: { kind: 'compare', attribute: 'members.value', operator: 'eq', value: 'u1' },
      },
      excludedAttributes: ['members'],
    });
    expect(query(new URL(`${BASE}${okta.getUsersCountOne.path}`).search)).toMatchObject({ filter: undefined, startIndex: 1, count: 1 });
  });

  it('clamps startIndex and count as RFC 7644 §3.4.2.4 says, capping count', () => {
    expect(query('startIndex=0&count=-5')).toMatchObject({ startIndex: 1, count: 0 });
    expect(query('count=100000')).toMatchObject({ count: SCIM_MAX_RESULTS });
  });

  it('refuses non-integers and bad filters with 400', () => {
    expect(refusal(() => query('count=ten')).scimType).toBe('invalidValue');
    expect(refusal(() => query('startIndex=1.5')).scimType).toBe('invalidValue');
    expect(refusal(() => query('filter=title eq "x"')).scimType).toBe('invalidFilter');
  });

  it('builds a ListResponse', () => {
    expect(toListResponse([{ id: 'a' }], { totalResults: 7, startIndex: 3, itemsPerPage: 1 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 7,
      startIndex: 3,
      itemsPerPage: 1,
      Resources: [{ id: 'a' }],
    });
  });
});

describe('If-Match', () => {
  it('reads the weak ETag Roster answers, a strong one, and * or nothing as no condition', () => {
    expect(scimExpectedVersion(scimVersion(3))).toBe(3);
    expect(scimExpectedVersion(' "12" ')).toBe(12);
    expect(scimExpectedVersion('*')).toBeUndefined();
    expect(scimExpectedVersion(null)).toBeUndefined();
  });

  it.each(['W/3', '"abc"', 'W/"1", W/"2"', '"1234567890"'])('answers 412 for %j, an entity tag Roster never issued', (header) => {
    const error = refusal(() => scimExpectedVersion(header));
    expect(error.status).toBe(412);
  });
});
