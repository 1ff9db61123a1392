import type { Metadata } from 'next';
import Link from 'next/link';
import { Alert } from '@/components/alert';
import { Badge } from '@/components/badge';
import { Field } from '@/components/field';
import { buttonStyles } from '@/components/styles';
import { pickSearchParams, type SearchParams } from '@/lib/search-params';
import { readUserList } from './data';

export const metadata: Metadata = { title: 'Users' };

const filterKeys = ['search', 'role', 'status'] as const;

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const filters = pickSearchParams(params, filterKeys);
  const { cursor, deleted } = pickSearchParams(params, ['cursor', 'deleted']);
  const result = await readUserList({ ...filters, cursor, limit: '25' });
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <Link href="/users/new" className={buttonStyles.primary}>
          New user
        </Link>
      </div>

      {deleted && <Alert tone="success">Deleted {deleted}.</Alert>}

      {/* A plain GET form: filtering and paging live in the URL and work without JavaScript. */}
      <form method="get" action="/users" role="search" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <Field id="search" name="search" label="Search" type="search" placeholder="Name or email" defaultValue={filters.search} className="min-w-64 flex-1 space-y-1.5" />
        <Field id="role" name="role" label="Role" options={['member', 'viewer', 'admin', 'owner']} emptyOption="Any" defaultValue={filters.role ?? ''} />
        <Field id="status" name="status" label="Status" options={['active', 'suspended']} emptyOption="Any" defaultValue={filters.status ?? ''} />
        <button type="submit" className={buttonStyles.secondary}>
          Apply
        </button>
        {filtered && (
          <Link href="/users" className="py-2 text-sm text-slate-600 underline hover:text-slate-900">
            Clear
          </Link>
        )}
      </form>

      {!result.ok ? (
        <Alert tone="error">This list can&apos;t be shown: {result.problems.join('; ')}. <Link href="/users" className="underline">Start over</Link>.</Alert>
      ) : result.items.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
          <p className="font-medium">{filtered ? 'No users match these filters.' : 'No users yet.'}</p>
          <p className="mt-1 text-sm text-slate-500">
            {filtered ? 'Try a different search or clear the filters.' : 'Create the first one to get started.'}
          </p>
        </div>
      ) : (
        <UserTable users={result.items} />
      )}

      {result.ok && (cursor || result.nextCursor) && (
        <nav aria-label="Pagination" className="flex justify-between">
          {cursor ? (
            <Link href={{ pathname: '/users', query: filters }} className={buttonStyles.secondary}>
              ← First page
            </Link>
          ) : (
            <span />
          )}
          {result.nextCursor && (
            <Link href={{ pathname: '/users', query: { ...filters, cursor: result.nextCursor } }} className={buttonStyles.secondary}>
              Next page →
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}

type UserRowView = { id: string; name: string; email: string; role: string; status: string; plan: string; createdAt: string };

function UserTable({ users }: { users: UserRowView[] }) {
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Email</th>
            <th scope="col" className="px-4 py-3">Role</th>
            <th scope="col" className="px-4 py-3">Status</th>
            <th scope="col" className="px-4 py-3">Plan</th>
            <th scope="col" className="px-4 py-3">Created</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {users.map((user) => (
            <tr key={user.id} className="hover:bg-slate-50">
              <td className="px-4 py-3 font-medium">
                <Link href={`/users/${user.id}`} className="text-indigo-700 hover:underline">
                  {user.name}
                </Link>
              </td>
              <td className="px-4 py-3 text-slate-600">{user.email}</td>
              <td className="px-4 py-3"><Badge value={user.role} /></td>
              <td className="px-4 py-3"><Badge value={user.status} /></td>
              <td className="px-4 py-3 text-slate-600">{user.plan}</td>
              <td className="px-4 py-3 text-slate-500"><time dateTime={user.createdAt}>{user.createdAt.slice(0, 10)}</time></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
