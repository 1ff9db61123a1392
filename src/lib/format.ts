// Formatters built once per process. `n.toLocaleString('en-US')` and `date.toLocaleDateString('en-US', …)` build a
// new ICU formatter on every call; the overview formats about 1,500 numbers and days per render, and those calls
// were most of its time (issue 31's benchmark).
const countFormat = new Intl.NumberFormat('en-US');
const dayFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** `12345` → `12,345`. */
export const formatCount = (value: number): string => countFormat.format(value);

/** `2026-12-06` → `Dec 6` (UTC: days are UTC days). */
export const shortDay = (day: string): string => dayFormat.format(new Date(`${day}T00:00:00Z`));
