'use client';
// A client component so that a page sends its rows as data: rendered on the server, each row's markup (class
// names included) would travel in the RSC payload, several times the size of the JSON the API sends for it.
import Link from 'next/link';
import { Badge } from './badge';
import { RelativeTime } from './relative-time';
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

/** `columns`: the header (the page makes Name, Email, Created and Last active sort links); `now`: the render's time. */
export function UserTable({ users, columns, now }: { users: UserRowView[]; columns: readonly Column[]; now: number }) {
  return (
    <Table columns={columns}>
      {users.map((user) => (
        <tr key={user.id} className="hover:bg-slate-50">
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
