import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScimError } from '@/core/scim/errors';
import { parseScimFilter } from '@/core/scim/protocol/filter';
import { parseScimGroup } from '@/core/scim/protocol/group';
import { applyGroupPatch, applyUserPatch, parsePatchRequest, PATCH_OP_SCHEMA } from '@/core/scim/protocol/patch';
import { parseScimUser, type ScimUserAttributes } from '@/core/scim/protocol/user';

// "No input makes a 5xx": whatever an identity provider (or anyone holding a token) sends, the protocol layer answers
// or throws a ScimError with a 4xx status, never anything the route wrapper would have to turn into a 500.

function answersOrRefuses(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    expect((error as ScimError).status).toBeGreaterThanOrEqual(400);
    expect((error as ScimError).status).toBeLessThan(500);
  }
}

const user: ScimUserAttributes = {
  userName: 'ada@example.com',
  externalId: null,
  givenName: null,
  familyName: null,
  displayName: null,
  email: 'ada@example.com',
  active: true,
  employeeNumber: null,
  department: null,
  managerId: null,
};

const attributeNames = fc.constantFrom(
  'active',
  'userName',
  'displayName',
  'name',
  'name.givenName',
  'emails',
  'emails[type eq "work"].value',
  'emails[value eq "ada@example.com"]',
  'members',
  'members[value eq "u1"]',
  'externalId',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
  'title',
  'id',
);
const operation = fc.record(
  {
    op: fc.oneof(fc.constantFrom('add', 'Replace', 'REMOVE', 'move'), fc.anything()),
    path: fc.oneof(attributeNames, fc.string(), fc.anything()),
    value: fc.oneof(fc.jsonValue(), fc.dictionary(attributeNames, fc.jsonValue())),
  },
  { requiredKeys: [] },
);

describe('the SCIM protocol layer never fails with anything but a 4xx ScimError', () => {
  it("treats Object.prototype's names as the unknown names they are", () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(() => parseScimFilter(`${name} eq "x"`, 'User')).toThrow(ScimError);
      expect(() => parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: name, path: 'active', value: true }] })).toThrow(ScimError);
      for (const path of [name, `name.${name}`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:${name}`]) {
        expect(() => applyUserPatch(user, parsePatchRequest({ schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path, value: 'x' }] }))).toThrow(ScimError);
      }
    }
  });

  it('filters', () => {
    const token = fc.constantFrom('userName', 'emails[type eq "work"].value', 'members[value eq "x"]', 'eq', 'co', 'pr', 'and', 'or', 'not', '(', ')', '[', ']', '"a"', '"\\', '.', ' ');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(token, { maxLength: 30 }).map((tokens) => tokens.join(' '))), fc.constantFrom('User' as const, 'Group' as const), (text, resource) => {
        answersOrRefuses(() => parseScimFilter(text, resource));
      }),
      { numRuns: 500 },
    );
  });

  it('PATCH requests applied to users and groups', () => {
    fc.assert(
      fc.property(fc.oneof(fc.record({ schemas: fc.constant([PATCH_OP_SCHEMA]), Operations: fc.array(operation, { maxLength: 5 }) }), fc.anything()), (body) => {
        answersOrRefuses(() => applyUserPatch(user, parsePatchRequest(body)));
        answersOrRefuses(() => applyGroupPatch({ displayName: 'G', externalId: null }, parsePatchRequest(body)));
      }),
      { numRuns: 500 },
    );
  });

  it('User and Group bodies', () => {
    const body = fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom('userName', 'emails', 'name', 'active', 'displayName', 'members', 'schemas', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'), fc.jsonValue()));
    fc.assert(
      fc.property(body, (value) => {
        answersOrRefuses(() => parseScimUser(value));
        answersOrRefuses(() => parseScimGroup(value));
      }),
      { numRuns: 500 },
    );
  });
});
