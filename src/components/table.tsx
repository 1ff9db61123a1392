import Link from 'next/link';

/**
 * A column header; a sortable one is a link to the list in that order, and says which order is current; a custom one
 * renders `header` (a control, such as the select-all checkbox), `label` being only its key.
 */
export type Column = string | { label: string; href: string; sorted?: 'ascending' | 'descending' } | { label: string; header: React.ReactNode };

/**
 * The console's data table: a bordered card with a header row; `children` are the body's rows. Wide tables scroll
 * inside their own box, so the page never scrolls sideways on a phone.
 */
export function Table({ columns, children }: { columns: readonly Column[]; children: React.ReactNode }) {
  return (
    // `relative`: visually hidden labels (sr-only, position: absolute) are placed against this box and clipped by it;
    // against the page they would sit where the wide table puts them and widen the page.
    <div className="relative max-w-full overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {columns.map((column) =>
              typeof column === 'string' ? (
                <th key={column} scope="col" className="whitespace-nowrap px-4 py-3">
                  {column}
                </th>
              ) : 'header' in column ? (
                <th key={column.label} scope="col" className="px-4 py-3">
                  {column.header}
                </th>
              ) : (
                <th key={column.label} scope="col" aria-sort={column.sorted} className="whitespace-nowrap px-4 py-3">
                  <Link href={column.href} className="hover:text-slate-900 hover:underline">
                    {column.label}
                    {column.sorted && <span aria-hidden="true">{column.sorted === 'ascending' ? ' ↑' : ' ↓'}</span>}
                  </Link>
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

/** A body cell with the table's padding. */
export function Cell({ className = '', children }: { className?: string; children: React.ReactNode }) {
  return <td className={`px-4 py-3 ${className}`}>{children}</td>;
}
