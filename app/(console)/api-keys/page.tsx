import type { Metadata } from 'next';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { ApiKeyForm } from '@/components/api-key-form';
import { EmptyState } from '@/components/empty-state';
import { ApiKeyRow, apiKeyColumns, withStatus } from '@/components/api-key-row';
import { Table } from '@/components/table';
import { listApiKeys } from '@/core/api-keys';
import { holds, mayManage } from '@/core/authorization';
import { createApiKeyAction, revokeApiKeyAction } from './actions';

export const metadata: Metadata = { title: 'API keys' };

/** Integration credentials for /api/v1: admins and owners create and revoke them; the secret is shown once. */
export default async function ApiKeysPage() {
  const principal = await requireConsoleUser('/api-keys');
  const heading = (
    <div>
      <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
      <p className="mt-1 text-sm text-slate-500">
        Keys let integrations call <code>/api/v1</code> with <code>Authorization: Bearer &lt;secret&gt;</code>. A key stops
        working when it is revoked, when it expires, or while the person who created it is suspended; the webhook
        endpoints it made are disabled then. Admins revoke admins’ keys; owners’ keys (and the CLI’s) only owners.
      </p>
    </div>
  );

  // The core refuses anyway (listApiKeys and both actions check api-keys:manage); this just says so plainly.
  if (!holds(principal, 'api-keys:manage')) {
    return (
      <div className="space-y-6">
        {heading}
        <Alert tone="error">Not allowed: only admins and owners can see and manage API keys. You are signed in as a {principal.role}.</Alert>
      </div>
    );
  }

  const keys = withStatus(await listApiKeys(await consoleContext()));
  return (
    <div className="space-y-6">
      {heading}
      <ApiKeyForm action={createApiKeyAction} />
      {keys.length === 0 ? (
        <EmptyState title="No API keys yet." hint="Create one above for each integration, with only the scopes it needs." />
      ) : (
        <Table columns={apiKeyColumns}>
          {keys.map(({ key, status }) => (
            <ApiKeyRow key={key.id} apiKey={key} status={status} revocable={mayManage(principal, key.madeBy)} revoke={revokeApiKeyAction} />
          ))}
        </Table>
      )}
    </div>
  );
}
