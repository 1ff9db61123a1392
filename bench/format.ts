// Number and name formatting shared by the report's sections.
import type { DatabaseResult } from './results';

export const dbName = (kind: DatabaseResult['kind']) => (kind === 'pglite' ? 'PGlite' : 'PostgreSQL');

/** Three significant digits or so: 123, 12.3, 1.23; '–' for what could not be measured. */
export const fixed = (value: number, digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2) =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';
