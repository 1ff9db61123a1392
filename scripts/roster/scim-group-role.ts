// `npm run roster -- scim:group-role --organization ID --group ID --role admin|member|none`
import { setScimGroupRole } from '@/core/scim/groups';
import { parseCommandLine, UsageError } from '../cli';
import type { Command } from './command';
import { asOperator } from './operator';

const usage = `Usage: npm run roster -- scim:group-role --organization ID --group ID --role admin|member|none

Binds a group an identity provider pushed over SCIM to an organization role: its members hold at least that role in
the organization (the highest of their own and their groups' roles), and lose it when they leave the group or the
binding is removed (--role none). Groups never grant or take the owner role.`;

const roles = { admin: 'admin', member: 'member', none: null } as const;

const command: Command = {
  summary: 'bind a SCIM group to an organization role',
  async run(argv) {
    const { values } = parseCommandLine({ args: argv, options: { organization: { type: 'string' }, group: { type: 'string' }, role: { type: 'string' } } }, usage);
    if (!values.organization || !values.group || !values.role) throw new UsageError(`--organization, --group and --role are required\n${usage}`);
    if (!Object.hasOwn(roles, values.role)) throw new UsageError(`--role must be admin, member or none\n${usage}`);
    const role = roles[values.role as keyof typeof roles];
    await asOperator((ctx) => setScimGroupRole(ctx, values.organization!, values.group!, { role }));
    console.log(role ? `Group ${values.group} now grants the ${role} role in organization ${values.organization}.` : `Group ${values.group} grants no role any more.`);
  },
};
export default command;
