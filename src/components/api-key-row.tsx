import type { ActionState } from '@/actions/action-state';
import type { ApiKeyDto } from '@/core/api-keys';
import { ActionButton } from './action-button';
import { Badge } from './badge';
import { Cell } from './table';
import { Timestamp } from './timestamp';

// One API key as a table row with its Revoke button: the API keys page's, and an organization's own keys.

export const apiKeyColumns = ['Name', 'Key', 'Scopes', 'Created', 'Expires', 'Last used', 'Status', 'Actions'];

export type KeyStatus = 'active' | 'expired' | 'revoked';

/** Each key with its status as of now (this request): revoked, expired or active. */
export function withStatus(keys: ApiKeyDto[]): { key: ApiKeyDto; status: KeyStatus }[] {
  const now = Date.now();
  return keys.map((key) => ({
    key,
    status: key.revokedAt ? 'revoked' : key.expiresAt && Date.parse(key.expiresAt) <= now ? 'expired' : 'active',
  }));
}

interface ApiKeyRowProps {
  apiKey: ApiKeyDto;
  status: KeyStatus;
  /** The viewer may revoke it (an owner's or the CLI's key only owners may). */
  revocable: boolean;
  revoke: (state: ActionState, formData: FormData) => Promise<ActionState>;
  /** Posted along with the key's id and name (an organization's key: its organization). */
  fields?: Record<string, string>;
}

export function ApiKeyRow({ apiKey, status, revocable, revoke, fields = {} }: ApiKeyRowProps) {
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
          action={revoke}
          fields={{ ...fields, id: apiKey.id, name: apiKey.name }}
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
