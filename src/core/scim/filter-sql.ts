import 'server-only';
import { and, or, type SQL } from 'drizzle-orm';
import type { ScimFilter } from './protocol/filter';

export type { ScimFilter };

/** `startIndex` (1-based) and `count`, as the list routes parse them. */
export interface ScimPaging {
  startIndex: number;
  count: number;
}

export interface ScimPage<T> {
  resources: T[];
  totalResults: number;
}

/** The filter as one SQL condition; `column` turns each comparison into SQL for the resource's columns. */
export function filterCondition(
  filter: ScimFilter,
  column: (attribute: string, operator: 'eq' | 'co' | 'sw', value: string, emailType?: string) => SQL,
): SQL {
  if (filter.kind === 'compare') return column(filter.attribute, filter.operator, filter.value, filter.emailType);
  const left = filterCondition(filter.left, column);
  const right = filterCondition(filter.right, column);
  return (filter.kind === 'and' ? and(left, right) : or(left, right))!;
}

/** An ILIKE pattern for `co` (contains) or `sw` (starts with): the value's own `%` and `_` are literal. */
export function likePattern(operator: 'eq' | 'co' | 'sw', value: string): string {
  const escaped = value.replace(/[\\%_]/g, (char) => `\\${char}`);
  return operator === 'co' ? `%${escaped}%` : operator === 'sw' ? `${escaped}%` : escaped;
}
