import Link from 'next/link';
import { consoleContext } from '@/actions/context';
import { ActionButton } from '@/components/action-button';
import { Badge } from '@/components/badge';
import { ScimConnectionForm } from '@/components/scim-connection-form';
import { Cell, Table } from '@/components/table';
import { Timestamp } from '@/components/timestamp';
import { ActionForm } from '@/components/action-form';
import { listScimConnections, listScimGroupRoles, scimGroupRoles, TOKEN_OVERLAP_MS, type ScimGroupRoleDto } from '@/core/scim';
import { createScimConnectionAction, revokeScimConnectionAction, rotateScimTokenAction, setScimGroupRoleAction } from '../scim-actions';

const columns = ['Name', 'Password setup', 'Tokens', 'Created', 'Last used', 'Status', 'Actions'];
const overlapHours = TOKEN_OVERLAP_MS / 3_600_000;

/**
 * The organization's SCIM connections (Okta, Entra), for those who manage the organization: the list with last use,
 * Rotate, Revoke and a link to each one's request journal, and a form that makes one and shows its token once.
 */
export async function ScimSection({ organizationId }: { organizationId: string }) {
  const ctx = await consoleContext();
  const [connections, groups] = await Promise.all([listScimConnections(ctx, organizationId), listScimGroupRoles(ctx, organizationId)]);
  const ids = { organizationId };
  return (
    <section aria-labelledby="scim-provisioning" className="space-y-3">
      <h2 id="scim-provisioning" className="font-semibold">SCIM provisioning</h2>
      <p className="text-sm text-slate-500">
        Identity providers (Okta, Microsoft Entra ID) create, update and deactivate this organization&apos;s members over SCIM 2.0. Each connection has
        its own token; the token alone says which organization it provisions.
      </p>
      {connections.length === 0 ? (
        <p className="text-sm text-slate-500">No SCIM connections yet.</p>
      ) : (
        <Table columns={columns}>
          {connections.map((connection) => {
            const fields = { ...ids, id: connection.id, name: connection.name };
            const live = connection.revokedAt === null;
            return (
              <tr key={connection.id} className="align-top hover:bg-slate-50">
                <Cell className="font-medium">
                  <Link href={`/organizations/${organizationId}/scim/${connection.id}`} className="hover:underline">
                    {connection.name}
                  </Link>
                </Cell>
                <Cell><code className="text-xs">{connection.passwordSetup}</code></Cell>
                <Cell>
                  <ul className="space-y-0.5">
                    {connection.tokens
                      .filter((token) => token.revokedAt === null && (token.expiresAt === null || Date.parse(token.expiresAt) > Date.now()))
                      .map((token) => (
                        <li key={token.id} className="whitespace-nowrap font-mono text-xs text-slate-600">
                          {token.prefix}…{token.expiresAt && <span className="font-sans text-slate-500"> until <Timestamp iso={token.expiresAt} /></span>}
                        </li>
                      ))}
                  </ul>
                </Cell>
                <Cell className="whitespace-nowrap text-slate-500"><Timestamp iso={connection.createdAt} /></Cell>
                <Cell className="whitespace-nowrap text-slate-500">{connection.lastUsedAt ? <Timestamp iso={connection.lastUsedAt} /> : 'Never'}</Cell>
                <Cell><Badge value={live ? 'active' : 'revoked'} /></Cell>
                <Cell className="w-52 space-y-2">
                  <Link href={`/organizations/${organizationId}/scim/${connection.id}`} className="block text-sm text-slate-700 hover:underline">
                    Request journal<span className="sr-only"> of {connection.name}</span>
                  </Link>
                  <ActionButton
                    action={rotateScimTokenAction}
                    fields={fields}
                    available={live}
                    pendingLabel="Rotating…"
                    secret={{ storedAs: 'a hash of it', usage: <>Paste it into the identity provider: the previous token keeps working for {overlapHours} hours.</> }}
                  >
                    Rotate token<span className="sr-only"> of {connection.name}</span>
                  </ActionButton>
                  <ActionButton
                    action={revokeScimConnectionAction}
                    fields={fields}
                    available={live}
                    tone="danger"
                    pendingLabel="Revoking…"
                    confirm={`Revoke the SCIM connection “${connection.name}”? Its tokens stop working at once. This cannot be undone.`}
                  >
                    Revoke<span className="sr-only"> {connection.name}</span>
                  </ActionButton>
                </Cell>
              </tr>
            );
          })}
        </Table>
      )}
      <ScimConnectionForm action={createScimConnectionAction} organizationId={organizationId} />
      <ScimGroups organizationId={organizationId} groups={groups} />
    </section>
  );
}

const groupRoleChoices = [...scimGroupRoles, 'none'] as const;

/**
 * The groups identity providers pushed, each with the organization role it grants (its members hold the highest of
 * their own and their groups'): a form per group, so it works without JavaScript.
 */
function ScimGroups({ organizationId, groups }: { organizationId: string; groups: ScimGroupRoleDto[] }) {
  return (
    <section aria-labelledby="scim-groups" className="space-y-2">
      <h3 id="scim-groups" className="font-medium">Groups and roles</h3>
      <p className="text-sm text-slate-500">
        A group bound to a role gives its members at least that role in this organization; unbinding it (none) gives them back their own. Owners are never
        changed by groups.
      </p>
      {groups.length === 0 ? (
        <p className="text-sm text-slate-500">No groups pushed yet.</p>
      ) : (
        <Table columns={['Group', 'Members', 'Role it grants']}>
          {groups.map((group) => (
            <tr key={group.id} className="align-top hover:bg-slate-50">
              <Cell className="font-medium">{group.displayName}</Cell>
              <Cell className="text-slate-600">{group.memberCount}</Cell>
              <Cell className="w-64">
                <ActionForm
                  action={setScimGroupRoleAction}
                  hidden={{ organizationId, groupId: group.id, name: group.displayName }}
                  fields={[{ name: 'role', id: `group-role-${group.id}`, label: 'Role', options: groupRoleChoices, defaultValue: group.role ?? 'none' }]}
                  submitLabel="Set role"
                  pendingLabel="Setting…"
                  tone="secondary"
                  accessibleSuffix={group.displayName}
                  className="space-y-2"
                />
              </Cell>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
