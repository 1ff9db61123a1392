import type { Metadata } from 'next';
import Link from 'next/link';
import { requireConsoleUser } from '@/actions/require-console-user';
import { managesEveryOrganization } from '@/core/organizations/access';
import { ActionForm } from '@/components/action-form';
import { Alert } from '@/components/alert';
import { EmptyState } from '@/components/empty-state';
import { Field } from '@/components/field';
import { FilterForm, KeysetPager } from '@/components/list-controls';
import { LiveUpdates } from '@/components/live-updates';
import { OrganizationTable } from '@/components/organization-table';
import { cardStyles } from '@/components/styles';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { createOrganizationAction } from './actions';
import { readOrganizationList } from './data';

export const metadata: Metadata = { title: 'Organizations' };

/** Every organization (staff see them all), searched by name or slug, newest first; admins and owners create them. */
export default async function OrganizationsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await requireConsoleUser('/organizations');
  const params = await searchParams;
  const filters = pickSearchParams(params, ['q']);
  const { cursor, deleted } = pickSearchParams(params, ['cursor', 'deleted']);
  const result = await readOrganizationList({ ...filters, cursor, limit: '25' });
  const filtered = Object.keys(filters).length > 0;
  const canCreate = managesEveryOrganization(principal);

  return (
    <div className="space-y-6">
      <div className="flex items-baseline gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Organizations</h1>
        <LiveUpdates follows="organization" />
      </div>

      {deleted === '1' && <Alert tone="success">Organization deleted.</Alert>}

      {canCreate && (
        <section aria-labelledby="new-organization" className={cardStyles}>
          <h2 id="new-organization" className="font-semibold">New organization</h2>
          <ActionForm
            action={createOrganizationAction}
            fields={[
              { name: 'name', label: 'Name', autoComplete: 'off' },
              { name: 'slug', label: 'Slug', autoComplete: 'off' },
              { name: 'owner', label: 'First owner (email or user id)', autoComplete: 'off' },
            ]}
            hint="The slug is the organization's name in URLs: lowercase letters, digits and dashes. The first owner must already have an account."
            submitLabel="Create organization"
            pendingLabel="Creating…"
          />
        </section>
      )}

      <FilterForm action="/organizations" filtered={filtered}>
        <Field id="q" name="q" label="Search" type="search" placeholder="Name or slug" defaultValue={filters.q} className="min-w-64 flex-1 space-y-1.5" />
      </FilterForm>

      {!result.ok ? (
        <Alert tone="error">
          This list can&apos;t be shown: {result.problems.join('; ')}. <Link href="/organizations" className="underline">Start over</Link>.
        </Alert>
      ) : result.items.length === 0 ? (
        <EmptyState
          title={filtered ? 'No organizations match this search.' : 'No organizations yet.'}
          hint={filtered ? 'Try a different search or clear it.' : canCreate ? 'Create the first one above.' : 'Organizations appear here once someone creates one.'}
        />
      ) : (
        <OrganizationTable organizations={result.items} />
      )}

      {result.ok && <KeysetPager pathname="/organizations" filters={filters} cursor={cursor} nextCursor={result.nextCursor} />}
    </div>
  );
}
