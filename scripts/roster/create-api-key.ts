// `npm run roster -- create-api-key --name N --scopes users:read,users:write [--expires DATE] [--organization ID]`
import { createApiKey, createOrganizationApiKey } from '@/core/api-keys';
import { parseCommandLine, UsageError } from '../cli';
import type { Command } from './command';
import { asOperator } from './operator';

const usage = `Usage: npm run roster -- create-api-key --name NAME --scopes SCOPES [--expires DATE] [--organization ID]

Creates an API key for an integration and prints its secret once: only a hash is stored, so copy it now.
SCOPES is a comma-separated list of users:read, users:write, events:read, webhooks:write,
organizations:read and organizations:write. DATE is an ISO date, e.g. 2027-06-30.
With --organization, the key belongs to that organization and acts only inside it (its scopes: organizations:read,
organizations:write, events:read, webhooks:write).
Send it as \`Authorization: Bearer <secret>\` to /api/v1.`;

const command: Command = {
  summary: 'create an API key and print its secret (once)',
  async run(argv) {
    const { values } = parseCommandLine(
      { args: argv, options: { name: { type: 'string' }, scopes: { type: 'string' }, expires: { type: 'string' }, organization: { type: 'string' } } },
      usage,
    );
    if (!values.name || !values.scopes) throw new UsageError(`--name and --scopes are required\n${usage}`);
    const scopes = values.scopes.split(',').map((scope) => scope.trim()).filter(Boolean);
    const input = { name: values.name, scopes, ...(values.expires ? { expiresAt: values.expires } : {}) };
    const organization = values.organization;
    const { apiKey, secret } = await asOperator((ctx) => (organization === undefined ? createApiKey(ctx, input) : createOrganizationApiKey(ctx, organization, input)));
    console.error(`Created API key "${apiKey.name}" (id ${apiKey.id}${apiKey.organizationId ? `, of organization ${apiKey.organizationId}` : ''}, scopes ${apiKey.scopes.join(', ')}${apiKey.expiresAt ? `, expires ${apiKey.expiresAt}` : ''}).`);
    console.error('Its secret, shown only this once:');
    console.log(secret);
  },
};
export default command;
