/** The fields of the console's create/edit user form (src/components/user-form.tsx). */
export const userFormFields = ['email', 'name', 'role', 'status'] as const;

// An action's arguments are whatever the POST decoded to: a hand-made request can send no FormData at all (no
// arguments, a string, an object). Every reader below takes `unknown` and treats anything else as an empty form.
const asForm = (formData: unknown): FormData => (formData instanceof FormData ? formData : new FormData());

/**
 * Picks the named text fields out of a submitted form. Anything else in the FormData (React's
 * $ACTION_ keys, fields a tampered form adds) is left behind, never passed to the core.
 */
export function pickFields<F extends string>(formData: unknown, fields: readonly F[]): Record<F, string> {
  const form = asForm(formData);
  const values = {} as Record<F, string>;
  for (const field of fields) {
    const value = form.get(field);
    if (typeof value === 'string') values[field] = value;
  }
  return values;
}

/** Every text value submitted under `name` (checkboxes), in order. */
export function allTextFields(formData: unknown, name: string): string[] {
  return asForm(formData)
    .getAll(name)
    .filter((value): value is string => typeof value === 'string');
}

/** The optimistic-concurrency version a form carried, or undefined when it carried none. */
export function versionField(formData: unknown): number | undefined {
  const value = Number(asForm(formData).get('version'));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
