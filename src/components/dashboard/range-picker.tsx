import Link from 'next/link';
import { metricsRanges } from '@/core/metrics';

/** The overview's 7/30/90-day choice as plain links (works without JavaScript), for `path` (the overview or its numbers). */
export function RangePicker({ current, path }: { current: string; path: string }) {
  return (
    <nav aria-label="Range" className="flex gap-1 rounded-md border border-slate-300 bg-white p-1 text-sm">
      {Object.entries(metricsRanges).map(([range, days]) => (
        <Link
          key={range}
          href={`${path}?range=${range}`}
          aria-current={range === current ? 'page' : undefined}
          className={`rounded px-2.5 py-1 ${range === current ? 'bg-indigo-600 text-white' : 'text-slate-700 hover:bg-slate-100'}`}
        >
          {days} days
        </Link>
      ))}
    </nav>
  );
}
