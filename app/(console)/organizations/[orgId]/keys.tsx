import { consoleContext } from '@/actions/context';
import { ApiKeyForm } from '@/components/api-key-form';
import { ApiKeyRow, apiKeyColumns, withStatus } from '@/components/api-key-row';
import { Table } from '@/components/table';
import { listOrganizationApiKeys, organizationKeyScopes } from '@/core/api-keys';
import { holds, mayManage } from '@/core/authorization';
import type { Principal } from '@/core/principal';
import { createOrganizationKeyAction, revokeOrganizationKeyAction } from '../key-actions';

/**
 * The organization's own API keys (they act only inside it), for staff who manage keys, as the API keys page shows
 * Roster's: the list with Revoke, and a form that creates one and shows its secret once.
 */
export async function KeysSection({ organizationId, principal }: { organizationId: string; principal: Principal }) {
  // The core refuses anyone else (listOrganizationApiKeys and both actions check); viewers just don't see the section.
  if (!holds(principal, 'api-keys:manage')) return null;
  const keys = withStatus(await listOrganizationApiKeys(await consoleContext(), organizationId));
  const ids = { organizationId };

  return (
    <section aria-labelledby="organization-keys" className="space-y-3">
      <h2 id="organization-keys" className="font-semibold">API keys</h2>
      <p className="text-sm text-slate-500">
        An organization&apos;s keys call <code>/api/v1/organizations/{organizationId}/…</code> and can read nothing outside it.
      </p>
      {keys.length === 0 ? (
        <p className="text-sm text-slate-500">No API keys yet.</p>
      ) : (
        <Table columns={apiKeyColumns}>
          {keys.map(({ key, status }) => (
            <ApiKeyRow key={key.id} apiKey={key} status={status} revocable={mayManage(principal, key.madeBy)} revoke={revokeOrganizationKeyAction} fields={ids} />
          ))}
        </Table>
      )}
      <ApiKeyForm action={createOrganizationKeyAction} scopes={organizationKeyScopes} hidden={ids} idPrefix="key-" />
    </section>
  );
}
