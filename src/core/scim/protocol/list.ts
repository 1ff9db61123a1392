import 'server-only';
import { ScimError } from '../errors';
import { parseScimFilter, type ScimFilter, type ScimResourceType } from './filter';

export const SCIM_LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
/** `count` cap (ServiceProviderConfig `filter.maxResults`): a larger count is answered with this many. */
export const SCIM_LIST_MAX_COUNT = 200;
/** `count` when the request gives none. */
export const SCIM_LIST_DEFAULT_COUNT = 100;

export interface ScimListQuery {
  filter: ScimFilter | undefined;
  /** 1-based (RFC 7644 §3.4.2.4); values below 1 read as 1. */
  startIndex: number;
  /** 0 … SCIM_LIST_MAX_COUNT; 0 asks only for totalResults. */
  count: number;
  /** Attribute names in `excludedAttributes`, lowercased (`members` for Entra's group checks). */
  excludedAttributes: string[];
}

function integer(params: URLSearchParams, name: string, fallback: number): number {
  const text = params.get(name);
  if (text === null || text.trim() === '') return fallback;
  if (!/^\s*-?\d{1,15}\s*$/.test(text)) throw new ScimError(400, 'invalidValue', `${name} must be an integer`);
  return Number(text);
}

/** Reads `filter`, `startIndex`, `count` and `excludedAttributes` of a GET /Users or /Groups request. */
export function parseScimListQuery(params: URLSearchParams, resource: ScimResourceType): ScimListQuery {
  const filter = params.get('filter');
  return {
    filter: filter === null ? undefined : parseScimFilter(filter, resource),
    startIndex: Math.max(1, integer(params, 'startIndex', 1)),
    count: Math.min(SCIM_LIST_MAX_COUNT, Math.max(0, integer(params, 'count', SCIM_LIST_DEFAULT_COUNT))),
    excludedAttributes: (params.get('excludedAttributes') ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean)
      .slice(0, 50),
  };
}

/** A ListResponse (RFC 7644 §3.4.2); `itemsPerPage` is the number of resources in this page. */
export function toListResponse<T>(resources: T[], { totalResults, startIndex, itemsPerPage }: { totalResults: number; startIndex: number; itemsPerPage: number }) {
  return { schemas: [SCIM_LIST_RESPONSE_SCHEMA], totalResults, startIndex, itemsPerPage, Resources: resources };
}
