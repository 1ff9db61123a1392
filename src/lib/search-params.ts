export type SearchParams = Record<string, string | string[] | undefined>;

/** The first non-empty value of each named parameter: what an empty GET form field means is "no filter". */
export function pickSearchParams<K extends string>(params: SearchParams, keys: readonly K[]): Partial<Record<K, string>> {
  const picked: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value) picked[key] = value;
  }
  return picked;
}
