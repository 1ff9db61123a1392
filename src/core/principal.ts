import 'server-only';
import type { Database } from '@/db/client';
import type { Role } from './users/schemas';

/** The way a request came in; recorded on every event. */
export const doors = ['console', 'api', 'cli', 'webhook', 'scim'] as const;
export type Door = (typeof doors)[number];

export const apiKeyScopes = ['users:read', 'users:write', 'events:read', 'webhooks:write', 'organizations:read', 'organizations:write'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/**
 * Who is acting. Every door resolves one before calling the core, and every use case checks it:
 * a signed-in user (session, bearer token or JWT), an integration's API key, Roster itself, or nobody.
 */
export type Principal = (
  | { kind: 'anonymous'; door: Door }
  | { kind: 'system'; door: Door; name: string }
  /** `impersonation`: an admin acting as this user (src/core/impersonation); every event they write says so. */
  | { kind: 'user'; door: Door; userId: string; role: Role; impersonation?: ImpersonationActor }
  /**
   * `ownerLevel`: made by an owner or by the CLI, the key may manage what owners made (see mayManage).
   * `organizationId`: an organization-owned key, which acts only inside that organization (see organizationKeyHolds).
   */
  | { kind: 'apiKey'; door: Door; keyId: string; scopes: readonly ApiKeyScope[]; ownerLevel?: boolean; organizationId?: string }
) & {
  /** Set while a background job acts for this principal: every event it records carries `data.jobId`. */
  jobId?: string;
};

/** Who is really acting when an admin impersonates a user: the shape events carry as `data.actor`. */
export interface ImpersonationActor {
  type: 'impersonation';
  impersonationId: string;
  adminId: string;
  userId: string;
}

/** What every use case receives: where to read and write, and on whose behalf. */
export interface CoreContext {
  db: Database;
  principal: Principal;
}

/** The audit trail's name for a principal: `user:<id>`, `api-key:<id>`, `system:<name>` or `anonymous`. */
export function actorOf(principal: Principal): string {
  switch (principal.kind) {
    case 'system':
      return `system:${principal.name}`;
    case 'user':
      return `user:${principal.userId}`;
    case 'apiKey':
      return `api-key:${principal.keyId}`;
    case 'anonymous':
      return 'anonymous';
  }
}
