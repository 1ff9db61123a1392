// `npm run roster -- revoke-api-key --id ID`
import { revokeApiKey } from '@/core/api-keys';
import { parseCommandLine, UsageError } from '../cli';
import type { Command } from './command';
import { asOperator } from './operator';

const usage = `Usage: npm run roster -- revoke-api-key --id ID

Revokes an API key: its next request gets 401, and the webhook endpoints it made are disabled. The key stays
listed (as revoked) for the audit trail.`;

const command: Command = {
  summary: 'revoke an API key by id',
  async run(argv) {
    const { values } = parseCommandLine({ args: argv, options: { id: { type: 'string' } } }, usage);
    if (!values.id) throw new UsageError(`--id is required\n${usage}`);
    const apiKey = await asOperator((ctx) => revokeApiKey(ctx, values.id!));
    console.log(`Revoked API key "${apiKey.name}" (id ${apiKey.id}).`);
  },
};
export default command;
