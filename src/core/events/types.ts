import 'server-only';
import type { AuditChanges } from '@/db/schema';
import type { Door } from '../principal';

/** Every kind of event Roster records. Streams and exports filter on these; an unknown type is a client error. */
export const eventTypes = [
  'user.created',
  'user.signed-up',
  'user.updated',
  'user.deleted',
  'subscription.updated',
  'customer.linked',
  'api-key.created',
  'api-key.revoked',
  'webhook.reprocessed',
  'users.seeded',
  'webhook-endpoint.created',
  'webhook-endpoint.updated',
  'webhook-endpoint.secret-rotated',
  'webhook-endpoint.disabled',
  'webhook-endpoint.deleted',
  'webhook-delivery.retried',
  'user.email-verified',
  'user.email-changed',
  'user.password-reset',
  /** Staff sent the user a password-reset link (the link itself is only in the email). */
  'user.password-reset-sent',
  /** Staff sent an unverified user a new verification link. */
  'user.verification-email-sent',
  'user.two-factor-reset',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'export.downloaded',
  // Sign-in and account security (src/auth, src/core/accounts): each carries the caller's `data.clientIp`, and never
  // a password, code or token.
  'user.signed-in',
  'user.sign-in-failed',
  'user.locked-out',
  'user.password-changed',
  /** A sign-in replaced an imported password hash with Roster's own: `data.previousScheme` names the old scheme. */
  'user.password-rehashed',
  'user.two-factor-enabled',
  'user.two-factor-disabled',
  'session.revoked',
  'user.external-identity-linked',
  // Passkeys (src/core/passkeys): about the user (subject `user`), with the passkey's DTO in `data.passkey`.
  'passkey.added',
  'passkey.renamed',
  'passkey.removed',
  // Organizations (src/core/organizations): each carries the event's `organizationId`.
  'organization.created',
  'organization.updated',
  'organization.deleted',
  'member.added',
  'member.role-changed',
  'member.removed',
  // SCIM connections (src/core/scim): each carries the event's `organizationId`, never a token or its hash.
  'scim-connection.created',
  'scim-connection.token-rotated',
  'scim-connection.revoked',
  // SCIM provisioning (src/core/scim): a membership suspended by `active: false` and restored by `active: true`, the
  // attributes an identity provider keeps on a member, and its groups. Door `scim`.
  'member.suspended',
  'member.restored',
  'member.updated',
  'scim-group.created',
  'scim-group.updated',
  'scim-group.deleted',
  // Background jobs (src/core/jobs): subject `job`, with the job's DTO (no errors) in `data.job`; `job.progress` after
  // every committed chunk but the last.
  'job.created',
  'job.progress',
  'job.finished',
  // Impersonation (src/core/impersonation): about the user acted as, with the impersonation's DTO in `data.impersonation`.
  'impersonation.started',
  'impersonation.ended',
] as const;
export type EventType = (typeof eventTypes)[number];

/** The `member.*` events are about the user (subject `user`) in an organization (`organizationId`). */
export const subjectTypes = ['user', 'api-key', 'webhook-event', 'webhook-endpoint', 'invitation', 'organization', 'scim-connection', 'scim-group', 'job'] as const;
export type SubjectType = (typeof subjectTypes)[number];
export interface Subject {
  type: SubjectType;
  id: string;
}

/**
 * An event as every consumer sees it (SSE, the audit API, exports, outgoing webhooks). `data` holds the subject as
 * its public DTO at the time (never secrets, hashes or key material) and the before/after of the fields that changed.
 */
export interface EventDto {
  id: string;
  position: string;
  type: EventType;
  occurredAt: string;
  actor: string;
  door: Door;
  subject: Subject | null;
  /** The organization the event is about, or null when it is about none. */
  organizationId: string | null;
  data: Record<string, unknown> & { changes: AuditChanges };
}
