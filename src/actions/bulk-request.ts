import type { BulkUsersInput } from '@/core/users/bulk';

/** The users list's filters, as the bulk form carries them (`filter-<key>`, so `role` stays the role to set). */
export const bulkFilterKeys = ['search', 'role', 'status', 'plan', 'subscriptionStatus'] as const;
export type BulkFilter = Partial<Record<(typeof bulkFilterKeys)[number], string>>;

/**
 * A console bulk request, read from the list's form (GET, one `ids` per ticked box) or from the confirmation's hidden
 * fields (POST, `ids` joined by commas): the selected users, or every user the carried filter matches
 * (`scope=filter`). The core validates what this returns.
 */
export function bulkInputOf(values: (name: string) => string[]): BulkUsersInput {
  const first = (name: string) => values(name).find(Boolean);
  const action = first('action') as BulkUsersInput['action'];
  const input = { action, ...(action === 'set-role' ? { role: first('role') as BulkUsersInput['role'] } : {}) };
  if (first('scope') === 'filter') {
    const filter: BulkFilter = {};
    for (const key of bulkFilterKeys) {
      const value = first(`filter-${key}`);
      if (value) filter[key] = value;
    }
    return { ...input, filter: filter as BulkUsersInput['filter'] };
  }
  return { ...input, ids: values('ids').flatMap((value) => value.split(',')).filter(Boolean) };
}

/** The same request as hidden form fields, for the confirmation step to post. */
export function bulkFieldsOf(input: BulkUsersInput): Record<string, string> {
  const fields: Record<string, string> = { action: input.action };
  if (input.role) fields.role = input.role;
  if (input.filter) {
    fields.scope = 'filter';
    for (const [key, value] of Object.entries(input.filter)) if (value) fields[`filter-${key}`] = String(value);
  } else {
    fields.ids = (input.ids ?? []).join(',');
  }
  return fields;
}
