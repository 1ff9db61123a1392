import type { Metadata } from 'next';
import Link from 'next/link';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { DailyTable } from '@/components/dashboard/daily-table';
import { RangePicker } from '@/components/dashboard/range-picker';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { readMetrics } from '../data';

export const metadata: Metadata = { title: 'Overview: the numbers' };

/** The figures behind the overview's charts, as a table (each chart links here with its range). */
export default async function DashboardNumbersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireConsoleUser('/dashboard/numbers');
  const query = pickSearchParams(await searchParams, ['range']);
  const metrics = await readMetrics(query);
  const overview = metrics.ok ? `/dashboard?range=${metrics.range}` : '/dashboard';

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Overview: the numbers</h1>
        <RangePicker current={metrics.ok ? metrics.range : ''} path="/dashboard/numbers" />
      </div>
      <p className="text-sm">
        <Link href={overview} className="underline">Back to the charts</Link>
      </p>
      {!metrics.ok ? (
        <Alert tone="error">These figures can&apos;t be shown: {metrics.problems.join('; ')}.</Alert>
      ) : (
        <>
          <p className="text-sm text-slate-600">{metrics.from} to {metrics.to} (UTC days; today is incomplete).</p>
          <DailyTable days={metrics.days} />
        </>
      )}
    </div>
  );
}
