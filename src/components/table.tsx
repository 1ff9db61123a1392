/** The console's data table: a bordered card with a header row; `children` are the body's rows. */
export function Table({ columns, children }: { columns: readonly string[]; children: React.ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className="px-4 py-3">
                {column}
              </th>
            ))}
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
