'use client';
// A client component for the reason UserTable is one: the page sends its rows as data, not as markup.
import Link from 'next/link';
import { Cell, Table } from './table';
import { Timestamp } from './timestamp';

/** What a row shows, and all the client receives of an organization. */
export type OrganizationRow = { id: string; name: string; slug: string; plan: string; members: number; createdAt: string };

const columns = ['Name', 'Slug', 'Members', 'Plan', 'Created'];

export function OrganizationTable({ organizations }: { organizations: OrganizationRow[] }) {
  return (
    <Table columns={columns}>
      {organizations.map((organization) => (
        <tr key={organization.id} className="hover:bg-slate-50">
          <Cell className="font-medium">
            <Link href={`/organizations/${organization.id}`} className="text-indigo-700 hover:underline">
              {organization.name}
            </Link>
          </Cell>
          <Cell className="font-mono text-slate-600">{organization.slug}</Cell>
          <Cell className="tabular-nums text-slate-600">{organization.members}</Cell>
          <Cell className="text-slate-600">{organization.plan}</Cell>
          <Cell className="text-slate-500"><Timestamp iso={organization.createdAt} dateOnly /></Cell>
        </tr>
      ))}
    </Table>
  );
}
