import type { MetricsDay } from '@/core/metrics';
import { formatCount, shortDay } from '@/lib/format';

type Column = { key: Exclude<keyof MetricsDay, 'day' | 'complete'>; label: string };

/**
 * The numbers behind a chart, as a table in a disclosure: readable by screen readers and without pointing. The cells'
 * styles sit on the table, not on each of its hundreds of cells.
 */
export function DailyTable({ days, columns, caption }: { days: MetricsDay[]; columns: Column[]; caption: string }) {
  return (
    <details className="mt-2 text-sm">
      <summary className="cursor-pointer text-slate-600">Show the numbers</summary>
      <div className="mt-2 max-h-64 overflow-auto">
        <table className="w-full text-left tabular-nums [&_tbody_tr]:border-t [&_tbody_tr]:border-slate-100 [&_td]:py-1 [&_td]:pr-4">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="py-1 pr-4 font-medium">Day (UTC)</th>
              {columns.map((column) => (
                <th key={column.key} scope="col" className="py-1 pr-4 font-medium">{column.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <td>{`${shortDay(day.day)}${day.complete ? '' : ' (incomplete)'}`}</td>
                {columns.map((column) => (
                  <td key={column.key}>{formatCount(day[column.key])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
