// What keeps secrets out of the logs, shared by the app's logger (src/lib/logger.ts) and the server script
// (scripts/server.mjs): plain JS, so that `npm start` needs no TypeScript loader.
import pino from 'pino';

/** Fields never logged, wherever they appear one level down (`{ user: { password } }`). */
const redact = ['*.password', '*.token', '*.authorization', '*.cookie'];

/**
 * pino's error serializer, minus the parameters of failed queries. Drizzle's error carries them as `params` and at
 * the end of its message ("Failed query: <sql>\nparams: <values>"), hence in its stack and in the message of every
 * error it caused; and PostgreSQL quotes a value it can't take in its own message (`invalid input syntax for type
 * integer: "<value>"`). Those values may be an API key's secret_hash, a session token, a password hash: the list is
 * cut, and each text value of 6 characters or more is replaced wherever it appears (shorter ones are enum words and
 * numbers, which would only garble the stack). The SQL itself stays.
 * @param {unknown} error
 */
export function serializeError(error) {
  const serialized = pino.stdSerializers.err(/** @type {Error} */ (error));
  if (serialized === error) return serialized;
  const lists = queryParams(error);
  const values = lists.flat().filter((value) => typeof value === 'string' && value.length >= 6);
  const cut = (/** @type {string} */ text) => {
    const withoutLists = lists.reduce((result, params) => result.replaceAll(`\nparams: ${params}`, ''), text);
    return values.reduce((result, value) => result.replaceAll(value, '[redacted]'), withoutLists);
  };
  return scrub(serialized, cut);
}

/** pino options for a logger whose output contains no secrets. */
export const redactingLogOptions = { redact, serializers: { err: serializeError } };

/**
 * A log message from a library (Better Auth logs a failed query's message as text): its query parameters cut.
 * @param {string} message
 */
export function withoutQueryParams(message) {
  const at = message.startsWith('Failed query: ') ? message.indexOf('\nparams: ') : -1;
  return at === -1 ? message : message.slice(0, at);
}

/**
 * The parameter lists of the failed queries in the chain (the error, its causes, an AggregateError's members).
 * @param {unknown} error
 * @param {Set<unknown>} seen
 * @returns {unknown[][]}
 */
function queryParams(error, seen = new Set()) {
  if (error === null || typeof error !== 'object' || seen.has(error)) return [];
  seen.add(error);
  const { params, query, cause, errors } = /** @type {{ params?: unknown, query?: unknown, cause?: unknown, errors?: unknown }} */ (error);
  const own = Array.isArray(params) && typeof query === 'string' ? [params] : [];
  const members = Array.isArray(errors) ? errors.flatMap((member) => queryParams(member, seen)) : [];
  return [...own, ...queryParams(cause, seen), ...members];
}

/**
 * The serialized error with every `params` field dropped and `cut` applied to every text in it.
 * @template T
 * @param {T} value
 * @param {(text: string) => string} cut
 * @returns {T}
 */
function scrub(value, cut) {
  if (typeof value === 'string') return /** @type {T} */ (cut(value));
  if (value === null || typeof value !== 'object') return value;
  const record = /** @type {Record<string, unknown>} */ (value);
  for (const key of Object.keys(record)) {
    if (key === 'params') delete record[key];
    else record[key] = scrub(record[key], cut);
  }
  return value;
}
