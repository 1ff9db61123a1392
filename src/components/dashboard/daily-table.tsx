import type { MetricsDay } from '@/core/metrics';
import { formatCount, shortDay } from '@/lib/format';

const columns: { key: Exclude<keyof MetricsDay, 'day' | 'complete'>; label: string }[] = [
  { key: 'signUps', label: 'Sign-ups' },
  { key: 'activeUsers', label: 'Daily active' },
  { key: 'weeklyActiveUsers', label: 'Weekly active' },
  { key: 'monthlyActiveUsers', label: 'Monthly active' },
  { key: 'failedSignIns', label: 'Failed sign-ins' },
];

/**
 * Every chart's numbers in one table (readable by screen readers and without pointing), on its own page so the
 * overview does not carry hundreds of cells it rarely shows. The cells' styles sit on the table, not on each cell.
 */
export function DailyTable({ days }: { days: MetricsDay[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm tabular-nums [&_tbody_tr]:border-t [&_tbody_tr]:border-slate-100 [&_td]:py-1 [&_td]:pr-4">
        <caption className="sr-only">The overview&apos;s figures per day</caption>
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
  );
}
