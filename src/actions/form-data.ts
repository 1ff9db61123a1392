/** The fields of the console's create/edit user form (src/components/user-form.tsx). */
export const userFormFields = ['email', 'name', 'role', 'status'] as const;

/**
 * Picks the named text fields out of a submitted form. Anything else in the FormData (React's
 * $ACTION_ keys, fields a tampered form adds) is left behind, never passed to the core.
 */
export function pickFields<F extends string>(formData: FormData, fields: readonly F[]): Record<F, string> {
  const values = {} as Record<F, string>;
  for (const field of fields) {
    const value = formData.get(field);
    if (typeof value === 'string') values[field] = value;
  }
  return values;
}

/** The optimistic-concurrency version a form carried, or undefined when it carried none. */
export function versionField(formData: FormData): number | undefined {
  const value = Number(formData.get('version'));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
