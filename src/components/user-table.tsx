'use client';
// A client component so that a page sends its rows as data: rendered on the server, each row's markup (class
// names included) would travel in the RSC payload, several times the size of the JSON the API sends for it.
import Link from 'next/link';
import { Badge } from './badge';
import { RelativeTime } from './relative-time';
import { SelectAllOnPage } from './select-all-on-page';
import { Cell, Table, type Column } from './table';

/** What a row shows, and all the client receives of a user. */
export type UserRowView = {
  id: string;
  name: string;
  email: string;
  role: string;
  status: string;
  plan: string;
  subscriptionStatus: string | null;
  createdAt: string;
  lastActiveAt: string | null;
};

/**
 * `columns`: the header (the page makes Name, Email, Created and Last active sort links); `now`: the render's time;
 * `selectable`: a first column of checkboxes (`ids`) for the bulk form the table sits in.
 */
export function UserTable({ users, columns, now, selectable = false }: { users: UserRowView[]; columns: readonly Column[]; now: number; selectable?: boolean }) {
  return (
    <Table columns={selectable ? [{ label: 'Select', header: <SelectAllOnPage /> }, ...columns] : columns}>
      {users.map((user) => (
        <tr key={user.id} className="hover:bg-slate-50">
          {selectable && (
            <Cell>
              <input type="checkbox" name="ids" value={user.id} aria-label={`Select ${user.name}`} className="size-4" />
            </Cell>
          )}
          <Cell className="font-medium">
            <Link href={`/users/${user.id}`} className="text-indigo-700 hover:underline">
              {user.name}
            </Link>
          </Cell>
          <Cell className="break-all text-slate-600">{user.email}</Cell>
          <Cell><Badge value={user.role} /></Cell>
          <Cell><Badge value={user.status} /></Cell>
          <Cell className="text-slate-600">{user.plan}</Cell>
          <Cell>{user.subscriptionStatus ? <Badge value={user.subscriptionStatus} /> : <span className="text-slate-500">—</span>}</Cell>
          <Cell className="whitespace-nowrap text-slate-600"><RelativeTime iso={user.createdAt} now={now} /></Cell>
          <Cell className="whitespace-nowrap text-slate-600">{user.lastActiveAt ? <RelativeTime iso={user.lastActiveAt} now={now} /> : 'never'}</Cell>
        </tr>
      ))}
    </Table>
  );
}
