import type { BulkFilter } from '@/actions/bulk-request';
import { bulkActionLabels } from './bulk-action-labels';
import { inputStyles, buttonStyles } from './styles';

interface BulkActionsBarProps {
  /** The roles this console user may set (the core decides again per user). */
  roles: readonly string[];
  /** The list's current filter, carried for "all matching" (not the ids: users created later are not included). */
  filter: BulkFilter;
  /** How many users the filter matches, as the list counts them ("about" above the exact-count limit). */
  total: number;
  exact: boolean;
}

/**
 * The bulk form's controls above the users table: what to do, to which users (the ticked rows, or every user the
 * filter matches), then Review — a GET to the confirmation page, so it works without JavaScript.
 */
export function BulkActionsBar({ roles, filter, total, exact }: BulkActionsBarProps) {
  const count = `${exact ? '' : 'about '}${total.toLocaleString('en-US')}`;
  const filtered = Object.keys(filter).length > 0;
  return (
    <fieldset className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <legend className="sr-only">Bulk actions</legend>
      <div className="space-y-1.5">
        <label htmlFor="bulk-action" className="block text-sm font-medium text-slate-700">
          Action
        </label>
        <select id="bulk-action" name="action" className={inputStyles}>
          {Object.entries(bulkActionLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {roles.length > 0 && (
        <div className="space-y-1.5">
          <label htmlFor="bulk-role" className="block text-sm font-medium text-slate-700">
            Set to (for Set role)
          </label>
          <select id="bulk-role" name="role" className={inputStyles}>
            {roles.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </div>
      )}
      <div role="radiogroup" aria-label="Which users" className="flex flex-wrap gap-x-4 gap-y-1 py-2 text-sm">
        <label className="flex items-center gap-2">
          <input type="radio" name="scope" value="selected" defaultChecked /> Selected users
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="scope" value="filter" /> All {count} {filtered ? 'matching the filter' : 'users'}
        </label>
      </div>
      {Object.entries(filter).map(([key, value]) => (
        <input key={key} type="hidden" name={`filter-${key}`} value={value} />
      ))}
      <button type="submit" className={buttonStyles.secondary}>
        Review…
      </button>
    </fieldset>
  );
}
