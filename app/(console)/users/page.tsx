import type { Metadata } from 'next';
import Link from 'next/link';
import { grantableRoles, requireConsoleUser } from '@/actions/require-console-user';
import { holds } from '@/core/authorization';
import { planMapFromEnv } from '@/core/billing/plans';
import { userSorts, type UserSort } from '@/core/users';
import { Alert } from '@/components/alert';
import { BulkActionsBar } from '@/components/bulk-actions-bar';
import { EmptyState } from '@/components/empty-state';
import { ExportLink } from '@/components/export-link';
import { LiveUpdates } from '@/components/live-updates';
import { Field } from '@/components/field';
import { FilterForm, KeysetPager, ListRange } from '@/components/list-controls';
import { SearchAsYouType } from '@/components/search-as-you-type';
import type { Column } from '@/components/table';
import { buttonStyles } from '@/components/styles';
import { UserTable, type UserRowView } from '@/components/user-table';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { readUserList } from './data';

export const metadata: Metadata = { title: 'Users' };

const filterKeys = ['search', 'role', 'status', 'plan', 'subscriptionStatus'] as const;
const pageSizes = ['10', '25', '50', '100'];

/** The sortable columns: a first click sorts names and emails A→Z, times newest first; a second reverses. */
const sortable: Record<string, { field: string; first: UserSort; second: UserSort }> = {
  Name: { field: 'name', first: 'name', second: '-name' },
  Email: { field: 'email', first: 'email', second: '-email' },
  Created: { field: 'createdAt', first: '-createdAt', second: 'createdAt' },
  'Last active': { field: 'lastActiveAt', first: '-lastActiveAt', second: 'lastActiveAt' },
};

function columns(sort: UserSort, query: Record<string, string>): Column[] {
  return ['Name', 'Email', 'Role', 'Status', 'Plan', 'Subscription', 'Created', 'Last active'].map((label) => {
    const column = sortable[label];
    if (!column) return label;
    const current = sort.replace('-', '') === column.field;
    const next = current && sort === column.first ? column.second : column.first;
    const params = new URLSearchParams({ ...query, sort: next });
    return { label, href: `/users?${params}`, sorted: current ? (sort.startsWith('-') ? 'descending' : 'ascending') : undefined };
  });
}

/** Stripe's subscription statuses; `none` finds users who have no subscription. */
const subscriptionStatusOptions = ['none', 'active', 'trialing', 'past_due', 'unpaid', 'paused', 'incomplete', 'incomplete_expired', 'canceled'];

/** 'free' and every plan ROSTER_STRIPE_PLANS maps to, plus the current filter if it is neither (an old plan). */
function planOptions(current: string | undefined): string[] {
  const plans = new Set(['free', ...[...planMapFromEnv().values()].sort()]);
  if (current) plans.add(current);
  return [...plans];
}

/** Only what a row shows goes to the client. */
function toRowView({ id, name, email, role, status, plan, subscriptionStatus, createdAt, lastActiveAt }: UserRowView): UserRowView {
  return { id, name, email, role, status, plan, subscriptionStatus, createdAt, lastActiveAt };
}

/** The instant relative times count from: this request's render (the page is rendered per request). */
const renderTime = () => Date.now();

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await requireConsoleUser('/users');
  const params = await searchParams;
  const filters = pickSearchParams(params, filterKeys);
  const { cursor, deleted, start: startParam, ...view } = pickSearchParams(params, ['cursor', 'deleted', 'start', 'sort', 'limit']);
  const sort = (userSorts as readonly string[]).includes(view.sort ?? '') ? (view.sort as UserSort) : '-createdAt';
  const limit = view.limit ?? '25';
  const result = await readUserList({ ...filters, sort, cursor, limit });
  const filtered = Object.keys(filters).length > 0;
  // What every link of the list keeps: the filters and the view (sort, page size) as the URL has them.
  const kept = { ...filters, ...view };
  const start = cursor ? Math.max(1, Number.parseInt(startParam ?? '1', 10) || 1) : 1;
  const now = renderTime();

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-baseline gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
          <LiveUpdates />
        </div>
        <div className="flex items-center gap-3">
          <ExportLink path="/api/console/users/export" filters={filters} />
          {holds(principal, 'users:write') && (
            <>
              <Link href="/users/import" className={buttonStyles.secondary}>
                Import users
              </Link>
              <Link href="/users/new" className={buttonStyles.primary}>
                New user
              </Link>
            </>
          )}
        </div>
      </div>

      {deleted === '1' && <Alert tone="success">User deleted.</Alert>}

      <FilterForm action="/users" filtered={filtered}>
        <Field id="search" name="search" label="Search" type="search" placeholder="Name or email  ( / )" defaultValue={filters.search} className="w-full flex-1 space-y-1.5 sm:min-w-64" />
        <SearchAsYouType inputId="search" />
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
        <Field id="limit" name="limit" label="Per page" options={pageSizes} defaultValue={limit} />
        {view.sort && <input type="hidden" name="sort" value={view.sort} />}
      </FilterForm>

      {result.ok && <ListRange start={start} shown={result.items.length} total={result.total} exact={result.exact} />}

      {!result.ok ? (
        <Alert tone="error">This list can&apos;t be shown: {result.problems.join('; ')}. <Link href="/users" className="underline">Start over</Link>.</Alert>
      ) : result.items.length === 0 ? (
        <EmptyState
          title={filtered ? 'No users match these filters.' : 'No users yet.'}
          hint={filtered ? 'Try a different search or clear the filters.' : holds(principal, 'users:write') ? 'Create the first one to get started.' : 'Users appear here once an admin creates them.'}
        />
      ) : holds(principal, 'users:write') ? (
        // One GET form around the table: the ticked rows' ids (or the filter) go to the confirmation page.
        <form method="get" action="/users/bulk" className="space-y-3">
          <BulkActionsBar roles={grantableRoles(principal)} filter={filters} total={result.total} exact={result.exact} />
          <UserTable users={result.items.map(toRowView)} columns={columns(sort, kept)} now={now} selectable />
        </form>
      ) : (
        <UserTable users={result.items.map(toRowView)} columns={columns(sort, kept)} now={now} />
      )}

      {result.ok && (
        <KeysetPager pathname="/users" filters={kept} cursor={cursor} nextCursor={result.nextCursor} next={{ start: String(start + result.items.length) }} />
      )}
    </div>
  );
}
