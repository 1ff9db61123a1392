import { describe, expect, it } from 'vitest';
import { parseScimFilter, parseScimPath, SCIM_FILTER_MAX_COMPARISONS } from '@/core/scim/protocol/filter';
import { refusal } from './refusal';

describe('parseScimFilter', () => {
  it('reads the filters Okta and Entra send, as they send them', () => {
    // Okta: user lookup before create; Entra: matching by userName / externalId, group lookup by displayName.
    expect(parseScimFilter('userName eq "ada@example.com"', 'User')).toEqual({ kind: 'compare', attribute: 'userName', operator: 'eq', value: 'ada@example.com' });
    expect(parseScimFilter('externalId eq "00u1abcd"', 'User')).toEqual({ kind: 'compare', attribute: 'externalId', operator: 'eq', value: '00u1abcd' });
    expect(parseScimFilter('displayName eq "Engineering"', 'Group')).toEqual({ kind: 'compare', attribute: 'displayName', operator: 'eq', value: 'Engineering' });
    // Entra's membership check: GET /Groups?filter=id eq "…" and members[value eq "…"]&excludedAttributes=members
    expect(parseScimFilter('id eq "g1" and members[value eq "u1"]', 'Group')).toEqual({
      kind: 'and',
      left: { kind: 'compare', attribute: 'id', operator: 'eq', value: 'g1' },
      right: { kind: 'compare', attribute: 'members.value', operator: 'eq', value: 'u1' },
    });
  });

  it('takes operators, keywords and attribute names in any case, and the schema URN prefix', () => {
    expect(parseScimFilter('USERNAME EQ "a" AND ExternalID Sw "x"', 'User')).toEqual({
      kind: 'and',
      left: { kind: 'compare', attribute: 'userName', operator: 'eq', value: 'a' },
      right: { kind: 'compare', attribute: 'externalId', operator: 'sw', value: 'x' },
    });
    expect(parseScimFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName co "ad"', 'User')).toEqual({ kind: 'compare', attribute: 'userName', operator: 'co', value: 'ad' });
  });

  it('reads emails.value, emails[type eq "work"].value and emails[value eq "…"]', () => {
    expect(parseScimFilter('emails.value eq "a@example.com"', 'User')).toEqual({ kind: 'compare', attribute: 'emails.value', operator: 'eq', value: 'a@example.com' });
    expect(parseScimFilter('emails[type eq "Work"].value eq "a@example.com"', 'User')).toEqual({
      kind: 'compare',
      attribute: 'emails.value',
      operator: 'eq',
      value: 'a@example.com',
      emailType: 'work',
    });
    expect(parseScimFilter('emails[value sw "a@"]', 'User')).toEqual({ kind: 'compare', attribute: 'emails.value', operator: 'sw', value: 'a@' });
    expect(parseScimFilter('members.value eq "u1"', 'Group')).toEqual({ kind: 'compare', attribute: 'members.value', operator: 'eq', value: 'u1' });
  });

  it('binds and tighter than or, and honours parentheses', () => {
    const a = { kind: 'compare', attribute: 'userName', operator: 'eq', value: 'a' } as const;
    const b = { kind: 'compare', attribute: 'externalId', operator: 'eq', value: 'b' } as const;
    const c = { kind: 'compare', attribute: 'id', operator: 'eq', value: 'c' } as const;
    expect(parseScimFilter('userName eq "a" or externalId eq "b" and id eq "c"', 'User')).toEqual({ kind: 'or', left: a, right: { kind: 'and', left: b, right: c } });
    expect(parseScimFilter('(userName eq "a" or externalId eq "b") and id eq "c"', 'User')).toEqual({ kind: 'and', left: { kind: 'or', left: a, right: b }, right: c });
  });

  it('unescapes JSON strings in values', () => {
    expect(parseScimFilter(String.raw`userName eq "say \"hi\" \\ \u00e9"`, 'User')).toMatchObject({ value: 'say "hi" \\ é' });
    expect(parseScimFilter('userName eq "and or ( ) [ ]"', 'User')).toMatchObject({ value: 'and or ( ) [ ]' });
  });

  it.each([
    ['', 'User'],
    ['userName', 'User'],
    ['userName eq', 'User'],
    ['userName eq ada', 'User'],
    ['userName eq "unterminated', 'User'],
    ['userName pr', 'User'],
    ['userName ne "a"', 'User'],
    ['userName gt "a"', 'User'],
    ['active eq true', 'User'],
    ['title eq "x"', 'User'],
    ['name.givenName eq "Ada"', 'User'],
    ['not (userName eq "a")', 'User'],
    ['(userName eq "a"', 'User'],
    ['userName eq "a")', 'User'],
    ['userName eq "a" and', 'User'],
    ['userName eq "a" xor id eq "b"', 'User'],
    ['emails[type eq "work" and value eq "x"].value eq "a"', 'User'],
    ['emails[type eq "work"] eq "a"', 'User'],
    ['emails[type co "wo"].value eq "a"', 'User'],
    ['displayName eq "x"', 'User'],
    ['userName eq "x"', 'Group'],
    ['members[display eq "x"]', 'Group'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x"', 'User'],
    ['urn:example:other:userName eq "x"', 'User'],
    ['userName eq "a" # comment', 'User'],
    ['userName eq "a"'.padEnd(2_001, ' ') + 'x', 'User'],
  ] as const)('refuses %j on %s with 400 invalidFilter', (text, resource) => {
    const error = refusal(() => parseScimFilter(text, resource));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.message).toMatch(/^Invalid filter: /);
  });

  it('never repeats a value from the request in the error detail', () => {
    expect(refusal(() => parseScimFilter('userName eq "ada@example.com" "grace@example.com"', 'User')).message).not.toMatch(/ada|grace/);
    expect(refusal(() => parseScimFilter('userName eq ada', 'User')).message).not.toContain('ada');
  });

  it('names what is supported when an attribute is not', () => {
    expect(refusal(() => parseScimFilter('title eq "x"', 'User')).message).toContain('userName, externalId, id, emails.value');
  });

  it('caps the number of comparisons and copes with deep parentheses', () => {
    const many = Array.from({ length: SCIM_FILTER_MAX_COMPARISONS + 1 }, (_, index) => `id eq "${index}"`).join(' or ');
    expect(refusal(() => parseScimFilter(many, 'User')).scimType).toBe('invalidFilter');
    const deep = '('.repeat(900) + 'id eq "1"' + ')'.repeat(900);
    expect(parseScimFilter(deep, 'User')).toEqual({ kind: 'compare', attribute: 'id', operator: 'eq', value: '1' });
  });
});

describe('parseScimPath', () => {
  it('reads attribute paths, sub-attributes, value filters and extension URNs', () => {
    expect(parseScimPath('active')).toEqual({ schema: 'core', attribute: 'active' });
    expect(parseScimPath('name.givenName')).toEqual({ schema: 'core', attribute: 'name', subAttribute: 'givenname' });
    expect(parseScimPath('emails[type eq "work"].value')).toEqual({
      schema: 'core',
      attribute: 'emails',
      subAttribute: 'value',
      valueFilter: { attribute: 'type', operator: 'eq', value: 'work' },
    });
    expect(parseScimPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]')).toEqual({
      schema: 'core',
      attribute: 'members',
      valueFilter: { attribute: 'value', operator: 'eq', value: '2819c223-7f76-453a-919d-413861904646' },
    });
    expect(parseScimPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department')).toEqual({ schema: 'enterprise', attribute: 'department' });
    expect(parseScimPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value')).toEqual({ schema: 'enterprise', attribute: 'manager', subAttribute: 'value' });
    expect(parseScimPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User')).toEqual({ schema: 'enterprise', attribute: '' });
    expect(parseScimPath('urn:ietf:params:scim:schemas:core:2.0:User:userName')).toEqual({ schema: 'core', attribute: 'username' });
  });

  it.each(['', 'a.b.c', 'members[value eq "x"', 'members[value]', 'emails[type eq "work"].', 'name.givenName[type eq "x"]', 'urn:x:y', 'a b', 'members[value eq "a"] extra'])(
    'refuses %j with 400 invalidPath',
    (text) => {
      const error = refusal(() => parseScimPath(text));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidPath');
    },
  );
});
