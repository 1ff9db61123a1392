import type { Metadata } from 'next';
import Link from 'next/link';
import { requireConsoleUser } from '@/actions/require-console-user';
import type { MetricsDto } from '@/core/metrics';
import { Alert } from '@/components/alert';
import { BarChart } from '@/components/charts/bar-chart';
import { ChartTooltips } from '@/components/charts/chart-tooltips';
import { LineChart } from '@/components/charts/line-chart';
import { Panel } from '@/components/dashboard/panel';
import { RangePicker } from '@/components/dashboard/range-picker';
import { Stat } from '@/components/dashboard/stat';
import { formatCount } from '@/lib/format';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { readMetrics } from './data';

export const metadata: Metadata = { title: 'Overview' };

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)}%`);

/** Each chart's numbers are on their own page (a plain link, so it works without JavaScript). */
function NumbersLink({ range }: { range: string }) {
  return (
    <Link href={`/dashboard/numbers?range=${range}`} prefetch={false} className="mt-2 inline-block text-sm text-slate-600 underline">
      Show the numbers
    </Link>
  );
}

function Charts({ metrics }: { metrics: MetricsDto }) {
  const numbers = <NumbersLink range={metrics.range} />;
  const days = metrics.days;
  const daily = (key: 'signUps' | 'failedSignIns') => days.map((day) => ({ day: day.day, value: day[key], complete: day.complete }));
  return (
    <ChartTooltips>
      <div className="grid gap-6 lg:grid-cols-2">
        <Panel title="Sign-ups per day" id="sign-ups">
          <BarChart label="Sign-ups per day" unit="sign-ups" data={daily('signUps')} />
          {numbers}
        </Panel>
        <Panel title="Active users" id="active-users">
          <LineChart
            label="Daily, weekly and monthly active users"
            days={days.map((day) => day.day)}
            complete={days.map((day) => day.complete)}
            series={[
              { name: 'Daily', values: days.map((day) => day.activeUsers), color: 'var(--chart-1, #4f46e5)' },
              { name: 'Weekly', values: days.map((day) => day.weeklyActiveUsers), color: 'var(--chart-2, #0d9488)', dash: '6 3' },
              { name: 'Monthly', values: days.map((day) => day.monthlyActiveUsers), color: 'var(--chart-3, #b45309)', dash: '1 3' },
            ]}
          />
          <p className="mt-1 text-xs text-slate-600">Solid: daily · dashed: weekly (7 days) · dotted: monthly (30 days)</p>
          {numbers}
        </Panel>
        <Panel title="Failed sign-ins per day" id="failed-sign-ins">
          <BarChart label="Failed sign-ins per day" unit="failed sign-ins" data={daily('failedSignIns')} />
          {numbers}
        </Panel>
        <Panel title="Users per plan" id="plans">
          <table className="w-full text-left text-sm tabular-nums">
            <thead>
              <tr>
                <th scope="col" className="py-1 font-medium">Plan</th>
                <th scope="col" className="py-1 text-right font-medium">Users</th>
              </tr>
            </thead>
            <tbody>
              {metrics.usersPerPlan.map(({ plan, users }) => (
                <tr key={plan} className="border-t border-slate-100" data-testid={`plan-${plan}`}>
                  <td className="py-1">{plan}</td>
                  <td className="py-1 text-right">{formatCount(users)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      </div>
    </ChartTooltips>
  );
}

function Webhooks({ webhooks }: { webhooks: MetricsDto['webhooks'] }) {
  if (webhooks.length === 0) return <p className="text-sm text-slate-600">No outgoing webhook deliveries in this range.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm tabular-nums">
        <thead>
          <tr>
            <th scope="col" className="py-1 pr-4 font-medium">Endpoint</th>
            <th scope="col" className="py-1 pr-4 text-right font-medium">Succeeded</th>
            <th scope="col" className="py-1 pr-4 text-right font-medium">Failed</th>
            <th scope="col" className="py-1 pr-4 text-right font-medium">Pending</th>
            <th scope="col" className="py-1 pr-4 text-right font-medium">Success rate</th>
            <th scope="col" className="py-1 text-right font-medium">p95 latency</th>
          </tr>
        </thead>
        <tbody>
          {webhooks.map((endpoint) => (
            <tr key={endpoint.endpointId} className="border-t border-slate-100" data-testid={`webhook-${endpoint.endpointId}`}>
              <td className="max-w-64 truncate py-1 pr-4">
                <Link href={`/integrations/${endpoint.endpointId}`} className="underline">{endpoint.url}</Link>
              </td>
              <td className="py-1 pr-4 text-right">{formatCount(endpoint.succeeded)}</td>
              <td className="py-1 pr-4 text-right">{formatCount(endpoint.failed)}</td>
              <td className="py-1 pr-4 text-right">{formatCount(endpoint.pending)}</td>
              <td className="py-1 pr-4 text-right">{percent(endpoint.successRate)}</td>
              <td className="py-1 text-right">{endpoint.p95LatencyMs === null ? '–' : `${endpoint.p95LatencyMs} ms`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default async function DashboardPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await requireConsoleUser('/dashboard');
  const query = pickSearchParams(await searchParams, ['range']);
  const metrics = await readMetrics(query);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <RangePicker current={metrics.ok ? metrics.range : ''} path="/dashboard" />
      </div>
      {!metrics.ok ? (
        <Alert tone="error">This overview can&apos;t be shown: {metrics.problems.join('; ')}. <Link href="/dashboard" className="underline">Show the last 30 days</Link>.</Alert>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            {metrics.from} to {metrics.to} (UTC days; today is incomplete and drawn hollow).{' '}
            {metrics.computedAt ? `Figures as of ${metrics.computedAt.slice(0, 16).replace('T', ' ')} UTC; refreshed every five minutes.` : 'The first rollup has not run yet.'}
          </p>
          <dl className="grid grid-cols-2 gap-4 md:grid-cols-5">
            <Stat label="Users" value={metrics.totals.users} testId="total-users" />
            <Stat label="Organizations" value={metrics.totals.organizations} testId="total-organizations" />
            <Stat label="Active sessions" value={metrics.totals.activeSessions} testId="total-sessions" />
            <Stat label="Emails queued" value={metrics.mailOutbox.queued} testId="mail-queued" />
            <Stat label="Emails failed" value={metrics.mailOutbox.failed} testId="mail-failed" />
          </dl>
          <Charts metrics={metrics} />
          <Panel title="Outgoing webhooks" id="webhooks">
            <Webhooks webhooks={metrics.webhooks} />
          </Panel>
        </>
      )}
    </div>
  );
}
