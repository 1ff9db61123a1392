'use client';
// A client component so that a page sends its rows as data: rendered on the server, each row's markup (class
// names included) would travel in the RSC payload, several times the size of the JSON the API sends for it.
import Link from 'next/link';
import { Badge } from './badge';
import { Cell, Table } from './table';
import { Timestamp } from './timestamp';

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
};

const userColumns = ['Name', 'Email', 'Role', 'Status', 'Plan', 'Subscription', 'Created'];

export function UserTable({ users }: { users: UserRowView[] }) {
  return (
    <Table columns={userColumns}>
      {users.map((user) => (
        <tr key={user.id} className="hover:bg-slate-50">
          <Cell className="font-medium">
            <Link href={`/users/${user.id}`} className="text-indigo-700 hover:underline">
              {user.name}
            </Link>
          </Cell>
          <Cell className="text-slate-600">{user.email}</Cell>
          <Cell><Badge value={user.role} /></Cell>
          <Cell><Badge value={user.status} /></Cell>
          <Cell className="text-slate-600">{user.plan}</Cell>
          <Cell>{user.subscriptionStatus ? <Badge value={user.subscriptionStatus} /> : <span className="text-slate-400">—</span>}</Cell>
          <Cell className="text-slate-500"><Timestamp iso={user.createdAt} dateOnly /></Cell>
        </tr>
      ))}
    </Table>
  );
}
