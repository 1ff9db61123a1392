import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * `INSERT INTO table (columns) SELECT * FROM unnest($1::text[]::type[], …)`: many rows with one array parameter per
 * column, not one per value. Building Drizzle's multi-row VALUES statement (not running it) cost about 70 ms of CPU per
 * 500 imported users, a third of the import's time, and most of its garbage (bench/results/issue-30); this one is
 * built in a few milliseconds, on PGlite and PostgreSQL alike. Arrays travel as text[], which both drivers serialize
 * natively, and are cast to the column types.
 *
 * Every row names the same columns (scalar ones); those it leaves out take their SQL defaults. Append
 * `ON CONFLICT …` or `RETURNING *` as needed, and read what RETURNING gave with `returnedRows`.
 */
export function unnestInsert<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][]): SQL {
  const [first] = rows;
  if (!first) throw new Error('unnestInsert needs at least one row');
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const fields = Object.keys(first).filter((field) => columns[field]);
  for (const row of rows) {
    if (Object.keys(row).length !== Object.keys(first).length || fields.some((field) => !(field in row))) throw new Error('unnestInsert: every row must name the same columns');
  }
  const names = fields.map((field) => sql.identifier(columns[field]!.name));
  const arrays = fields.map((field) => {
    const column = columns[field]!;
    const values = rows.map((row) => asText((row as Record<string, unknown>)[field]));
    return sql`${sql.param(values)}::text[]::${sql.raw(column.getSQLType())}[]`;
  });
  return sql`INSERT INTO ${table} (${sql.join(names, sql`, `)}) SELECT * FROM unnest(${sql.join(arrays, sql`, `)})`;
}

/** A value as PostgreSQL reads it from text: timestamps as ISO 8601, jsonb as JSON. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The rows `RETURNING *` of a raw statement gave (column names, driver values), as the table's rows: what Drizzle's
 * own `.returning()` answers.
 */
export function returnedRows<T extends PgTable>(table: T, result: unknown): T['$inferSelect'][] {
  const byName = new Map(Object.entries(getTableColumns(table) as Record<string, PgColumn>).map(([field, column]) => [column.name, { field, column }]));
  return (result as { rows: Record<string, unknown>[] }).rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(raw)) {
      const mapped = byName.get(name);
      if (mapped) row[mapped.field] = value === null ? null : mapped.column.mapFromDriverValue(value);
    }
    return row as T['$inferSelect'];
  });
}
