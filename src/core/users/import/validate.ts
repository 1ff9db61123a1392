import 'server-only';
import type { z } from 'zod';
import { authorizeAccountChange } from '../../authorization';
import { Forbidden } from '../../errors';
import type { Principal } from '../../principal';
import { importRecord, type ImportRecord } from './records';
import type { SourceRecord } from './read';

/** What the import reports about a row it did not apply. `field` names the record's field when one is to blame. */
export interface RowError {
  line: number;
  field?: string;
  code: string;
  detail: string;
}

export interface ValidRow {
  line: number;
  record: ImportRecord;
}

/** A row checked on its own: the schema, then whether this principal may create a user with its role. */
export function validateRow(principal: Principal, source: SourceRecord): ValidRow | RowError[] {
  if ('error' in source) return [{ line: source.line, ...source.error }];
  const parsed = importRecord.safeParse(source.value);
  if (!parsed.success) return parsed.error.issues.flatMap((issue) => rowErrorsOf(source.line, issue));
  try {
    authorizeAccountChange(principal, null, parsed.data.role);
  } catch (error) {
    if (error instanceof Forbidden) return [{ line: source.line, field: 'role', code: 'forbidden', detail: error.message }];
    throw error;
  }
  return { line: source.line, record: parsed.data };
}

function rowErrorsOf(line: number, issue: z.core.$ZodIssue): RowError[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ line, field: key, code: 'unknown_field', detail: issue.message }));
  const code = issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : issue.code;
  return [{ line, ...(issue.path.length ? { field: issue.path.join('.') } : {}), code, detail: issue.message }];
}
