// `npm run roster -- create-owner --email E --password P [--name N]`: an owner who signs in with a password.
import { createOwner } from '@/core/users';
import { parseCommandLine, UsageError } from '../cli';
import type { Command } from './command';
import { asOperator } from './operator';

const usage = `Usage: npm run roster -- create-owner --email EMAIL --password PASSWORD [--name NAME]

Creates a user with the owner role who signs in at /sign-in with this email and password (10+ characters).
The password may come from ROSTER_OWNER_PASSWORD instead, to keep it out of shell history.`;

const command: Command = {
  summary: 'create an owner who signs in with email and password',
  async run(argv) {
    const { values } = parseCommandLine({ args: argv, options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } }, usage);
    const password = values.password ?? process.env.ROSTER_OWNER_PASSWORD;
    if (!values.email || !password) throw new UsageError(`--email and --password are required\n${usage}`);
    const owner = await asOperator((ctx) =>
      createOwner(ctx, { email: values.email, password, name: values.name ?? values.email!.split('@')[0] }),
    );
    console.log(`Created owner ${owner.email} (id ${owner.id}). Sign in at /sign-in.`);
  },
};
export default command;
