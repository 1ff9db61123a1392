import 'server-only';
import { NotFound } from '../errors';

/**
 * The most resources one list answer holds (`count` is capped to it; the default when `count` is absent). Okta pages
 * by 100 and Entra by far less; 200 keeps one answer small enough to be fast at 100,000 users.
 */
export const SCIM_MAX_RESULTS = 200;

export const SCIM_SCHEMAS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
} as const;

/** What Roster's SCIM server really does (RFC 7643 §5): PATCH, filters, ETags; no bulk, sorting or password changes. */
export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SCIM_SCHEMAS.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'The connection token from Roster’s console or API, as `Authorization: Bearer <token>`.',
        specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

type Attribute = {
  name: string;
  type: 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'default' | 'never' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  subAttributes?: Attribute[];
  referenceTypes?: string[];
  canonicalValues?: string[];
};

const attribute = (name: string, description: string, more: Partial<Attribute> = {}): Attribute => ({
  name,
  type: 'string',
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...more,
});

const userAttributes: Attribute[] = [
  attribute('userName', 'Unique within the organization (case-insensitive): the sign-in email is usually the same.', { required: true, uniqueness: 'server' }),
  attribute('name', 'The user’s name.', {
    type: 'complex',
    subAttributes: [attribute('givenName', 'Given name.'), attribute('familyName', 'Family name.')],
  }),
  attribute('displayName', 'The name shown for the user.'),
  attribute('active', 'false suspends the user’s membership of the organization and ends their sessions; a PUT without it leaves it unchanged.', { type: 'boolean' }),
  attribute('emails', 'Email addresses; the primary (or work, or first) one is the Roster user’s verified email.', {
    multiValued: true,
    type: 'complex',
    subAttributes: [
      attribute('value', 'The address.'),
      attribute('type', 'A label.', { canonicalValues: ['work', 'home', 'other'] }),
      attribute('primary', 'Whether this is the primary address.', { type: 'boolean' }),
    ],
  }),
  attribute('externalId', 'The identity provider’s id for the user.', { caseExact: true }),
];

const enterpriseAttributes: Attribute[] = [
  attribute('employeeNumber', 'Employee number.'),
  attribute('department', 'Department.'),
  attribute('manager', 'The user’s manager.', {
    type: 'complex',
    subAttributes: [attribute('value', 'The manager’s id in this SCIM server.'), attribute('$ref', 'The manager’s URI.', { type: 'reference', referenceTypes: ['User'] })],
  }),
];

const groupAttributes: Attribute[] = [
  attribute('displayName', 'Unique within the organization (case-insensitive).', { required: true, uniqueness: 'server' }),
  attribute('externalId', 'The identity provider’s id for the group.', { caseExact: true }),
  attribute('members', 'The group’s users.', {
    multiValued: true,
    type: 'complex',
    subAttributes: [
      attribute('value', 'The member’s id.', { mutability: 'immutable' }),
      attribute('display', 'The member’s display name.', { mutability: 'readOnly' }),
      attribute('$ref', 'The member’s URI.', { type: 'reference', referenceTypes: ['User'], mutability: 'immutable' }),
    ],
  }),
];

const schemaDefinitions = [
  { id: SCIM_SCHEMAS.user, name: 'User', description: 'A member of the organization', attributes: userAttributes },
  { id: SCIM_SCHEMAS.enterpriseUser, name: 'EnterpriseUser', description: 'Enterprise User extension', attributes: enterpriseAttributes },
  { id: SCIM_SCHEMAS.group, name: 'Group', description: 'A group of the organization’s users, which may grant them an organization role', attributes: groupAttributes },
];

/** The schemas Roster supports, with only the attributes it stores (RFC 7643 §7). */
export function scimSchemas(baseUrl: string) {
  return schemaDefinitions.map((schema) => ({
    schemas: [SCIM_SCHEMAS.schema],
    ...schema,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  }));
}

export function scimResourceTypes(baseUrl: string) {
  return [
    {
      schemas: [SCIM_SCHEMAS.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A member of the organization',
      schema: SCIM_SCHEMAS.user,
      schemaExtensions: [{ schema: SCIM_SCHEMAS.enterpriseUser, required: false }],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
    },
    {
      schemas: [SCIM_SCHEMAS.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A group of the organization’s users',
      schema: SCIM_SCHEMAS.group,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
    },
  ];
}

/** A ListResponse of every item (discovery lists are short: no paging). */
export const listOfAll = <T>(resources: T[]) => ({
  schemas: [SCIM_SCHEMAS.listResponse],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

/** One discovery resource by id (a schema URN or a resource type name), or NotFound. */
export function oneOf<T extends { id: string }>(resources: T[], id: string, what: string): T {
  const found = resources.find((resource) => resource.id === id);
  if (!found) throw new NotFound(what);
  return found;
}
