import 'server-only';
import { SCIM_SCHEMAS } from '../discovery';
import { ScimError } from '../errors';

// SCIM filters (RFC 7644 §3.4.2.2), the part of the grammar Roster answers: `attrPath op "string"` with `eq`, `co`
// and `sw`, joined by `and` (binds tighter) and `or`, grouped by parentheses, on a fixed list of attributes per
// resource. Anything else (`pr`, `gt`, `not`, other attributes, non-string values) is refused with 400 invalidFilter
// rather than half-answered. Keywords and attribute names are case-insensitive, as the RFC says.

export type ScimResourceType = 'User' | 'Group';
export type ScimFilterOperator = 'eq' | 'co' | 'sw';
export type ScimFilterAttribute = 'userName' | 'externalId' | 'id' | 'emails.value' | 'displayName' | 'members.value';

export type ScimFilter =
  | { kind: 'and' | 'or'; left: ScimFilter; right: ScimFilter }
  | {
      kind: 'compare';
      attribute: ScimFilterAttribute;
      operator: ScimFilterOperator;
      value: string;
      /** `emails[type eq "work"].value`: the email type the comparison is restricted to, lowercased. */
      emailType?: string;
    };

/** Longest filter text accepted, and most comparisons in one filter: a filter is a lookup, not a program. */
export const SCIM_FILTER_MAX_LENGTH = 2_000;
export const SCIM_FILTER_MAX_COMPARISONS = 20;
/** Longest string value compared (the longest attribute Roster stores is 254 characters). */
const MAX_VALUE_LENGTH = 1_000;

const operators: readonly string[] = ['eq', 'co', 'sw'];
/** Operators of RFC 7644 that Roster does not answer: named in the error, so an administrator sees why. */
const unsupportedOperators: readonly string[] = ['ne', 'ew', 'pr', 'gt', 'ge', 'lt', 'le'];

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'string'; text: string; at: number }
  | { type: '(' | ')' | '[' | ']' | 'end'; text: string; at: number };

const wordCharacter = /[A-Za-z0-9_:.$\-]/;

/** Splits filter (or PATCH path) text into tokens; `fail` makes the error (invalidFilter or invalidPath). */
function tokenize(text: string, fail: (detail: string) => ScimError): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (/\s/.test(character)) {
      index++;
    } else if ('()[]'.includes(character)) {
      tokens.push({ type: character as '(' | ')' | '[' | ']', text: character, at: index });
      index++;
    } else if (character === '"') {
      const end = closingQuote(text, index);
      if (end < 0) throw fail(`Unterminated string starting at position ${index + 1}`);
      let value: unknown;
      try {
        value = JSON.parse(text.slice(index, end + 1));
      } catch {
        throw fail(`Invalid string at position ${index + 1}`);
      }
      tokens.push({ type: 'string', text: value as string, at: index });
      index = end + 1;
    } else if (wordCharacter.test(character)) {
      const start = index;
      while (index < text.length && wordCharacter.test(text[index]!)) index++;
      tokens.push({ type: 'word', text: text.slice(start, index), at: start });
    } else {
      throw fail(`Unexpected character ${JSON.stringify(character)} at position ${index + 1}`);
    }
  }
  tokens.push({ type: 'end', text: '', at: text.length });
  return tokens;
}

function closingQuote(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index;
  }
  return -1;
}

class TokenStream {
  private index = 0;
  constructor(private readonly tokens: Token[], readonly fail: (detail: string) => ScimError) {}
  peek(): Token {
    return this.tokens[this.index]!;
  }
  next(): Token {
    const token = this.tokens[this.index]!;
    if (token.type !== 'end') this.index++;
    return token;
  }
  /** The next token if it is the keyword `word` (case-insensitive). */
  takeKeyword(word: string): boolean {
    const token = this.peek();
    if (token.type === 'word' && token.text.toLowerCase() === word) {
      this.index++;
      return true;
    }
    return false;
  }
  expect(type: Token['type'], what: string): Token {
    const token = this.next();
    if (token.type !== type) throw this.fail(`Expected ${what} ${describe(token)}`);
    return token;
  }
}

/** Where a token is, for an error. A string's content is a value from the request, possibly personal data: not repeated. */
const describe = (token: Token) =>
  token.type === 'end' ? 'at the end' : `at position ${token.at + 1}, found ${token.type === 'string' ? 'a string' : JSON.stringify(token.text)}`;

// ---------------------------------------------------------------------------------------------------------------
// Attribute paths: `[URN:]attribute[.subAttribute]`, optionally `attribute[valueFilter][.subAttribute]`

/** An attribute path, names lowercased, schema URN resolved. `attribute` is '' for a whole extension (PATCH only). */
export interface ScimAttributePath {
  schema: 'core' | 'enterprise';
  attribute: string;
  subAttribute?: string;
  /** A value selection such as `emails[type eq "work"]` or `members[value eq "…"]`: one comparison. */
  valueFilter?: { attribute: string; operator: ScimFilterOperator; value: string };
}

const knownSchemas = [
  { urn: SCIM_SCHEMAS.user.toLowerCase(), schema: 'core' },
  { urn: SCIM_SCHEMAS.group.toLowerCase(), schema: 'core' },
  { urn: SCIM_SCHEMAS.enterpriseUser.toLowerCase(), schema: 'enterprise' },
] as const;

/** `name.givenName`, `urn:…:enterprise:2.0:User:department`, `urn:…:core:2.0:User:userName` → a path. */
function splitAttributeWord(word: string, fail: (detail: string) => ScimError): ScimAttributePath {
  let rest = word.toLowerCase();
  let schema: 'core' | 'enterprise' = 'core';
  if (rest.startsWith('urn:')) {
    const known = knownSchemas.find(({ urn }) => rest === urn || rest.startsWith(`${urn}:`));
    if (!known) throw fail(`Unknown schema in attribute ${JSON.stringify(word)}`);
    schema = known.schema;
    rest = rest.slice(known.urn.length + 1);
    if (rest === '' && schema === 'enterprise') return { schema, attribute: '' };
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((part) => !/^[a-z$][a-z0-9_$\-]*$/.test(part))) {
    throw fail(`Invalid attribute path ${JSON.stringify(word)}`);
  }
  return parts[1] === undefined ? { schema, attribute: parts[0]! } : { schema, attribute: parts[0]!, subAttribute: parts[1] };
}

function readAttributePath(stream: TokenStream): ScimAttributePath {
  const first = stream.next();
  if (first.type !== 'word') throw stream.fail(`Expected an attribute name ${describe(first)}`);
  const path = splitAttributeWord(first.text, stream.fail);
  if (stream.peek().type !== '[') return path;
  if (path.subAttribute !== undefined || path.attribute === '') throw stream.fail(`A value filter cannot follow ${JSON.stringify(first.text)}`);
  stream.next();
  const inner = readComparison(stream);
  if (inner.path.subAttribute !== undefined || inner.path.valueFilter || inner.path.schema !== 'core') {
    throw stream.fail('A value filter compares a sub-attribute, e.g. [type eq "work"]');
  }
  if (inner.comparison === undefined) throw stream.fail('A value filter needs a comparison, e.g. [type eq "work"]');
  stream.expect(']', '"]" (a value filter holds one comparison)');
  const valueFilter = { attribute: inner.path.attribute, ...inner.comparison };
  const after = stream.peek();
  // `emails[type eq "work"].value`: the tokenizer reads `.value` as one word.
  if (after.type === 'word' && after.text.startsWith('.')) {
    stream.next();
    const subAttribute = after.text.slice(1).toLowerCase();
    if (!/^[a-z$][a-z0-9_$\-]*$/.test(subAttribute)) throw stream.fail(`Invalid sub-attribute ${JSON.stringify(after.text)}`);
    return { ...path, valueFilter, subAttribute };
  }
  return { ...path, valueFilter };
}

/** `attrPath op "value"`, or a bare `attr[valueFilter]` (comparison undefined). */
function readComparison(stream: TokenStream): { path: ScimAttributePath; comparison?: { operator: ScimFilterOperator; value: string } } {
  const path = readAttributePath(stream);
  const operatorToken = stream.peek();
  if (operatorToken.type !== 'word' || ['and', 'or'].includes(operatorToken.text.toLowerCase())) {
    if (path.valueFilter && path.subAttribute === undefined) return { path };
    throw stream.fail(`Expected an operator (eq, co, sw) ${describe(operatorToken)}`);
  }
  stream.next();
  const operator = operatorToken.text.toLowerCase();
  if (unsupportedOperators.includes(operator)) throw stream.fail(`The operator "${operator}" is not supported; use eq, co or sw`);
  if (!operators.includes(operator)) throw stream.fail(`Unknown operator ${JSON.stringify(operatorToken.text)}; use eq, co or sw`);
  const valueToken = stream.next();
  // An unquoted value is not repeated either (`userName eq ada`): only where it is.
  if (valueToken.type !== 'string') throw stream.fail(`Expected a quoted string value ${valueToken.type === 'end' ? 'at the end' : `at position ${valueToken.at + 1}`}`);
  if (valueToken.text.length > MAX_VALUE_LENGTH) throw stream.fail(`A filter value may be at most ${MAX_VALUE_LENGTH} characters`);
  return { path, comparison: { operator: operator as ScimFilterOperator, value: valueToken.text } };
}

/** Parses a PATCH `path` (RFC 7644 §3.5.2): an attribute path, optionally with one value filter. Errors: invalidPath. */
export function parseScimPath(text: string): ScimAttributePath {
  const fail = (detail: string) => new ScimError(400, 'invalidPath', `Invalid path: ${detail}`);
  if (text.length > SCIM_FILTER_MAX_LENGTH) throw fail(`longer than ${SCIM_FILTER_MAX_LENGTH} characters`);
  const stream = new TokenStream(tokenize(text, fail), fail);
  const path = readAttributePath(stream);
  if (stream.peek().type !== 'end') throw fail(`unexpected ${describe(stream.peek())}`);
  return path;
}

// ---------------------------------------------------------------------------------------------------------------
// Filters

/** Parses `text` (the `filter` query parameter) for a resource type. Throws ScimError(400, 'invalidFilter'). */
export function parseScimFilter(text: string, resource: ScimResourceType): ScimFilter {
  const fail = (detail: string) => new ScimError(400, 'invalidFilter', `Invalid filter: ${detail}`);
  if (text.trim() === '') throw fail('the filter is empty');
  if (text.length > SCIM_FILTER_MAX_LENGTH) throw fail(`longer than ${SCIM_FILTER_MAX_LENGTH} characters`);
  const stream = new TokenStream(tokenize(text, fail), fail);
  const budget = { comparisons: 0 };
  const filter = readOr(stream, resource, budget);
  if (stream.peek().type !== 'end') throw fail(`unexpected ${describe(stream.peek())}`);
  return filter;
}

function readOr(stream: TokenStream, resource: ScimResourceType, budget: { comparisons: number }): ScimFilter {
  let left = readAnd(stream, resource, budget);
  while (stream.takeKeyword('or')) left = { kind: 'or', left, right: readAnd(stream, resource, budget) };
  return left;
}

function readAnd(stream: TokenStream, resource: ScimResourceType, budget: { comparisons: number }): ScimFilter {
  let left = readAtom(stream, resource, budget);
  while (stream.takeKeyword('and')) left = { kind: 'and', left, right: readAtom(stream, resource, budget) };
  return left;
}

function readAtom(stream: TokenStream, resource: ScimResourceType, budget: { comparisons: number }): ScimFilter {
  const token = stream.peek();
  if (token.type === '(') {
    stream.next();
    const inner = readOr(stream, resource, budget);
    stream.expect(')', '")"');
    return inner;
  }
  if (token.type === 'word' && token.text.toLowerCase() === 'not') throw stream.fail('"not" is not supported');
  if (++budget.comparisons > SCIM_FILTER_MAX_COMPARISONS) {
    throw stream.fail(`at most ${SCIM_FILTER_MAX_COMPARISONS} comparisons are allowed in one filter`);
  }
  const { path, comparison } = readComparison(stream);
  return resolveComparison(path, comparison, resource, stream.fail);
}

// Maps, not object literals: a name such as `constructor` must find nothing, not Object.prototype's member.
const userAttributes = new Map<string, ScimFilterAttribute>([['username', 'userName'], ['externalid', 'externalId'], ['id', 'id']]);
const groupAttributes = new Map<string, ScimFilterAttribute>([['displayname', 'displayName'], ['externalid', 'externalId'], ['id', 'id']]);

/** Maps a parsed comparison onto the attributes a resource can be filtered by. */
function resolveComparison(
  path: ScimAttributePath,
  comparison: { operator: ScimFilterOperator; value: string } | undefined,
  resource: ScimResourceType,
  fail: (detail: string) => ScimError,
): ScimFilter {
  const unsupported = () =>
    fail(
      `filtering ${resource}s by this attribute is not supported; supported: ${
        resource === 'User' ? 'userName, externalId, id, emails.value, emails[type eq "…"].value' : 'displayName, externalId, id, members.value, members[value eq "…"]'
      }`,
    );
  if (path.schema !== 'core') throw unsupported();
  const multiValued = resource === 'User' ? 'emails' : 'members';
  if (path.attribute === multiValued) {
    const attribute = resource === 'User' ? 'emails.value' : 'members.value';
    const filter = path.valueFilter;
    if (!filter) {
      if (path.subAttribute !== 'value' || !comparison) throw unsupported();
      return { kind: 'compare', attribute, ...comparison };
    }
    // `emails[value eq "…"]`, `members[value eq "…"]`: the value filter is the comparison.
    if (filter.attribute === 'value' && !comparison) return { kind: 'compare', attribute, operator: filter.operator, value: filter.value };
    // `emails[type eq "work"].value eq "…"`
    if (resource === 'User' && filter.attribute === 'type' && filter.operator === 'eq' && path.subAttribute === 'value' && comparison) {
      return { kind: 'compare', attribute, ...comparison, emailType: filter.value.toLowerCase() };
    }
    throw unsupported();
  }
  const attribute = (resource === 'User' ? userAttributes : groupAttributes).get(path.attribute);
  if (!attribute || path.subAttribute !== undefined || path.valueFilter || !comparison) throw unsupported();
  return { kind: 'compare', attribute, ...comparison };
}
