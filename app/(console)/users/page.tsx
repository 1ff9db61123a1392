import type { Metadata } from 'next';
import Link from 'next/link';
import { requireConsoleUser } from '@/actions/require-console-user';
import { holds } from '@/core/authorization';
import { planMapFromEnv } from '@/core/billing/plans';
import { Alert } from '@/components/alert';
import { EmptyState } from '@/components/empty-state';
import { ExportLink } from '@/components/export-link';
import { LiveUpdates } from '@/components/live-updates';
import { Field } from '@/components/field';
import { FilterForm, KeysetPager } from '@/components/list-controls';
import { buttonStyles } from '@/components/styles';
import { UserTable, type UserRowView } from '@/components/user-table';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { readUserList } from './data';

export const metadata: Metadata = { title: 'Users' };

const filterKeys = ['search', 'role', 'status', 'plan', 'subscriptionStatus'] as const;

/** Stripe's subscription statuses; `none` finds users who have no subscription. */
const subscriptionStatusOptions = ['none', 'active', 'trialing', 'past_due', 'unpaid', 'paused', 'incomplete', 'incomplete_expired', 'canceled'];

/** 'free' and every plan ROSTER_STRIPE_PLANS maps to, plus the current filter if it is neither (an old plan). */
function planOptions(current: string | undefined): string[] {
  const plans = new Set(['free', ...[...planMapFromEnv().values()].sort()]);
  if (current) plans.add(current);
  return [...plans];
}

/** Only what a row shows goes to the client. */
function toRowView({ id, name, email, role, status, plan, subscriptionStatus, createdAt }: UserRowView): UserRowView {
  return { id, name, email, role, status, plan, subscriptionStatus, createdAt };
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await requireConsoleUser('/users');
  const params = await searchParams;
  const filters = pickSearchParams(params, filterKeys);
  const { cursor, deleted } = pickSearchParams(params, ['cursor', 'deleted']);
  const result = await readUserList({ ...filters, cursor, limit: '25' });
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <div className="flex items-baseline gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
          <LiveUpdates />
        </div>
        <div className="flex items-center gap-3">
          <ExportLink path="/api/console/users/export" filters={filters} />
          {holds(principal, 'users:write') && (
            <Link href="/users/new" className={buttonStyles.primary}>
              New user
            </Link>
          )}
        </div>
      </div>

      {deleted === '1' && <Alert tone="success">User deleted.</Alert>}

      <FilterForm action="/users" filtered={filtered}>
        <Field id="search" name="search" label="Search" type="search" placeholder="Name or email" defaultValue={filters.search} className="min-w-64 flex-1 space-y-1.5" />
        <Field id="role" name="role" label="Role" options={['member', 'viewer', 'admin', 'owner']} emptyOption="Any" defaultValue={filters.role ?? ''} />
        <Field id="status" name="status" label="Status" options={['active', 'suspended']} emptyOption="Any" defaultValue={filters.status ?? ''} />
        <Field id="plan" name="plan" label="Plan" options={planOptions(filters.plan)} emptyOption="Any" defaultValue={filters.plan ?? ''} />
        <Field
          id="subscriptionStatus"
          name="subscriptionStatus"
          label="Subscription"
          options={subscriptionStatusOptions}
          emptyOption="Any"
          defaultValue={filters.subscriptionStatus ?? ''}
        />
      </FilterForm>

      {!result.ok ? (
        <Alert tone="error">This list can&apos;t be shown: {result.problems.join('; ')}. <Link href="/users" className="underline">Start over</Link>.</Alert>
      ) : result.items.length === 0 ? (
        <EmptyState
          title={filtered ? 'No users match these filters.' : 'No users yet.'}
          hint={filtered ? 'Try a different search or clear the filters.' : holds(principal, 'users:write') ? 'Create the first one to get started.' : 'Users appear here once an admin creates them.'}
        />
      ) : (
        <UserTable users={result.items.map(toRowView)} />
      )}

      {result.ok && <KeysetPager pathname="/users" filters={filters} cursor={cursor} nextCursor={result.nextCursor} />}
    </div>
  );
}
