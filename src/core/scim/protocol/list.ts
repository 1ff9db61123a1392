import 'server-only';
import { SCIM_MAX_RESULTS, SCIM_SCHEMAS } from '../discovery';
import { ScimError } from '../errors';
import { parseScimFilter, type ScimFilter, type ScimResourceType } from './filter';

export interface ScimListQuery {
  filter: ScimFilter | undefined;
  /** 1-based (RFC 7644 §3.4.2.4); values below 1 read as 1. */
  startIndex: number;
  /** 0 … SCIM_MAX_RESULTS (ServiceProviderConfig `filter.maxResults`, also the default); 0 asks only for totalResults. */
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
    count: Math.min(SCIM_MAX_RESULTS, Math.max(0, integer(params, 'count', SCIM_MAX_RESULTS))),
    excludedAttributes: excludedAttributes(params),
  };
}

/** The attribute names in a request's `excludedAttributes`, lowercased (at most 50). */
export function excludedAttributes(params: URLSearchParams): string[] {
  return (params.get('excludedAttributes') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
    .slice(0, 50);
}

/** A ListResponse (RFC 7644 §3.4.2); `itemsPerPage` is the number of resources in this page. */
export function toListResponse<T>(resources: T[], { totalResults, startIndex, itemsPerPage }: { totalResults: number; startIndex: number; itemsPerPage: number }) {
  return { schemas: [SCIM_SCHEMAS.listResponse], totalResults, startIndex, itemsPerPage, Resources: resources };
}
