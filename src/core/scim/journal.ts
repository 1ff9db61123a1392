import 'server-only';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { scimRequests } from '@/db/schema';

/** How many requests a connection's journal keeps (the newest). */
export const JOURNAL_SIZE = 1000;
// Pruning on every insert would cost an index walk each time; every 50th insert keeps the table near the size.
const PRUNE_EVERY = 50;
const MAX_SUMMARY = 1000;
const MAX_NAME = 100;

export interface ScimJournalEntry {
  connectionId: string;
  method: string;
  /** The path and query, values redacted (see redactedPath). */
  path: string;
  summary: string;
  status: number;
  scimType: string | null;
  latencyMs: number;
}

/** Appends one request to its connection's journal, dropping what lies past the newest JOURNAL_SIZE now and then. */
export async function recordScimRequest(db: Database, entry: ScimJournalEntry): Promise<void> {
  const [row] = await db
    .insert(scimRequests)
    .values({ ...entry, latencyMs: Math.max(0, Math.min(2_147_483_647, Math.round(entry.latencyMs))) })
    .returning({ id: scimRequests.id });
  if (row && row.id % PRUNE_EVERY === 0) {
    const oldestKept = db
      .select({ id: scimRequests.id })
      .from(scimRequests)
      .where(eq(scimRequests.connectionId, entry.connectionId))
      .orderBy(desc(scimRequests.id))
      .offset(JOURNAL_SIZE - 1)
      .limit(1);
    await db.delete(scimRequests).where(and(eq(scimRequests.connectionId, entry.connectionId), lt(scimRequests.id, sql`(${oldestKept})`)));
  }
}

/** What the journal shows of one request. */
export interface ScimRequestDto {
  id: string;
  at: string;
  method: string;
  path: string;
  summary: string;
  status: number;
  scimType: string | null;
  latencyMs: number;
}

/** A connection's journal, newest first (at most JOURNAL_SIZE). The caller has authorized the read. */
export async function journalOf(db: Database, connectionId: string, limit = JOURNAL_SIZE): Promise<ScimRequestDto[]> {
  const rows = await db
    .select()
    .from(scimRequests)
    .where(eq(scimRequests.connectionId, connectionId))
    .orderBy(desc(scimRequests.id))
    .limit(Math.min(limit, JOURNAL_SIZE));
  return rows.map((row) => ({
    id: String(row.id),
    at: row.at.toISOString(),
    method: row.method,
    path: row.path,
    summary: row.summary,
    status: row.status,
    scimType: row.scimType,
    latencyMs: row.latencyMs,
  }));
}

const REDACTED = '"…"';
const comparison = /\b(eq|ne|co|sw|ew|gt|ge|lt|le)\s+("(?:[^"\\]|\\.)*"?|[^\s)\]]+)/gi;

/** A SCIM filter or attribute path with every compared value replaced by "…": attribute names and operators kept. */
export const redactFilter = (filter: string) => filter.replace(comparison, (_, operator: string) => `${operator} ${REDACTED}`);

/**
 * The request's path for the journal: the query's `filter` redacted, the other parameters (paging, attribute lists) kept.
 * Path segments are resource ids Roster made, not personal data.
 */
export function redactedPath(url: URL): string {
  const params = [...url.searchParams].map(([name, value]) => `${name}=${name.toLowerCase() === 'filter' ? redactFilter(value) : value}`);
  return clip(params.length ? `${url.pathname}?${params.join('&')}` : url.pathname, MAX_SUMMARY);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The attribute names of a SCIM object, one level into complex attributes and extensions (`name.givenName`), without values. */
function attributeNames(value: Record<string, unknown>): string[] {
  return Object.entries(value)
    .filter(([key]) => key !== 'schemas')
    // A schema extension's attributes as SCIM paths name them: `urn:…:User:department`.
    .flatMap(([key, inner]) => (isRecord(inner) ? Object.keys(inner).map((sub) => `${key}${key.startsWith('urn:') ? ':' : '.'}${sub}`) : [key]))
    .map((name) => clip(name, MAX_NAME));
}

function operationSummary(operation: unknown): string {
  if (!isRecord(operation)) return '?';
  const op = typeof operation.op === 'string' ? clip(operation.op, 20) : '?';
  const path = typeof operation.path === 'string' ? clip(redactFilter(operation.path), MAX_NAME) : null;
  const { value } = operation;
  const target = Array.isArray(value) ? ` (${value.length} value${value.length === 1 ? '' : 's'})` : !path && isRecord(value) ? ` (${attributeNames(value).join(', ')})` : '';
  return `${op}${path ? ` ${path}` : ''}${target}`;
}

/**
 * What a request asked for, in words, with every value left out: a PATCH's operations (`replace active`,
 * `remove members[value eq "…"]`, `replace (name.givenName, active)`), a POST or PUT's attribute names, a GET's
 * filter. `body` is the parsed JSON body (undefined when there was none).
 */
export function summarizeScimRequest(method: string, url: URL, body: unknown): string {
  if (isRecord(body) && Array.isArray(body.Operations)) return clip(`operations: ${body.Operations.map(operationSummary).join('; ')}`, MAX_SUMMARY);
  if (isRecord(body)) return clip(`attributes: ${attributeNames(body).join(', ')}`, MAX_SUMMARY);
  if (body !== undefined) return 'body: not a JSON object';
  const filter = url.searchParams.get('filter');
  if (filter !== null) return clip(`filter: ${redactFilter(filter)}`, MAX_SUMMARY);
  return method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : '';
}
