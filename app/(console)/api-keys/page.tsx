import type { Metadata } from 'next';
import { consoleContext } from '@/actions/context';
import { requireConsoleUser } from '@/actions/require-console-user';
import { Alert } from '@/components/alert';
import { ActionButton } from '@/components/action-button';
import { ApiKeyForm } from '@/components/api-key-form';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { listApiKeys, type ApiKeyDto } from '@/core/api-keys';
import { holds, mayManage } from '@/core/authorization';
import { createApiKeyAction, revokeApiKeyAction } from './actions';

export const metadata: Metadata = { title: 'API keys' };

const columns = ['Name', 'Key', 'Scopes', 'Created', 'Expires', 'Last used', 'Status', 'Actions'];

type KeyStatus = 'active' | 'expired' | 'revoked';

/** Each key with its status as of now (this request): revoked, expired or active. */
function withStatus(keys: ApiKeyDto[]): { key: ApiKeyDto; status: KeyStatus }[] {
  const now = Date.now();
  return keys.map((key) => ({
    key,
    status: key.revokedAt ? 'revoked' : key.expiresAt && Date.parse(key.expiresAt) <= now ? 'expired' : 'active',
  }));
}

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
        <Table columns={columns}>
          {keys.map(({ key, status }) => (
            <ApiKeyRow key={key.id} apiKey={key} status={status} revocable={mayManage(principal, key.madeBy)} />
          ))}
        </Table>
      )}
    </div>
  );
}

/** `revocable`: the viewer may revoke it (an owner's or the CLI's key only owners may). */
function ApiKeyRow({ apiKey, status, revocable }: { apiKey: ApiKeyDto; status: KeyStatus; revocable: boolean }) {
  return (
    <tr className="align-top hover:bg-slate-50">
      <Cell className="font-medium">{apiKey.name}</Cell>
      <Cell className="whitespace-nowrap font-mono text-xs text-slate-600">{apiKey.prefix}…</Cell>
      <Cell>
        <ul className="space-y-0.5">
          {apiKey.scopes.map((scope) => (
            <li key={scope}>
              <code className="text-xs">{scope}</code>
            </li>
          ))}
        </ul>
      </Cell>
      <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={apiKey.createdAt} /></Cell>
      <Cell className="whitespace-nowrap text-slate-500">{apiKey.expiresAt ? <Timestamp iso={apiKey.expiresAt} /> : 'Never'}</Cell>
      <Cell className="whitespace-nowrap text-slate-500">{apiKey.lastUsedAt ? <Timestamp iso={apiKey.lastUsedAt} /> : 'Never'}</Cell>
      <Cell>
        <Badge value={status} />
        {apiKey.revokedAt && (
          <p className="mt-1 whitespace-nowrap text-xs text-slate-500">
            <Timestamp iso={apiKey.revokedAt} />
          </p>
        )}
      </Cell>
      <Cell className="w-44">
        {status === 'active' && !revocable && <p className="text-xs text-slate-500">An owner’s key: only owners can revoke it.</p>}
        <ActionButton
          action={revokeApiKeyAction}
          fields={{ id: apiKey.id, name: apiKey.name }}
          available={status === 'active' && revocable}
          tone="danger"
          pendingLabel="Revoking…"
          confirm={`Revoke the API key “${apiKey.name}”? Integrations using it stop working at once. This cannot be undone.`}
        >
          Revoke<span className="sr-only"> {apiKey.name}</span>
        </ActionButton>
      </Cell>
    </tr>
  );
}
