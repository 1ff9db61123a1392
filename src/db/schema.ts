import { relations, sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['member', 'viewer', 'admin', 'owner']);
export const userStatus = pgEnum('user_status', ['active', 'suspended']);
export const auditDoor = pgEnum('audit_door', ['console', 'api', 'cli', 'webhook', 'scim']);

// Millisecond precision: keyset cursors carry created_at through JavaScript Dates, which hold milliseconds.
const timestampMs = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull().default('member'),
    status: userStatus('status').notNull().default('active'),
    plan: text('plan').notNull().default('free'),
    /** Set by Stripe webhooks: the linked Stripe customer and the state of their subscription. */
    stripeCustomerId: text('stripe_customer_id'),
    subscriptionStatus: text('subscription_status'),
    version: integer('version').notNull().default(1),
    /** Better Auth's fields: set by sign-up and OAuth sign-in, never by Roster's own forms. */
    emailVerified: boolean('email_verified').notNull().default(false),
    image: text('image'),
    /** Better Auth's two-factor plugin: set once a TOTP enrolment is confirmed by a code. */
    twoFactorEnabled: boolean('two_factor_enabled').notNull().default(false),
    /** The user's id in the system they were imported from (POST /api/v1/users/import): what an upsert matches first. */
    externalId: text('external_id'),
    /** Free-form data brought by an import; never read by Roster itself. */
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** The console's theme: null follows the system setting (prefers-color-scheme). */
    theme: text('theme', { enum: ['light', 'dark'] }),
    /** The start of the latest (UTC) day the user was active (src/core/metrics/activity.ts); null until then. Not a change: no version bump, no event. */
    lastActiveAt: timestampMs('last_active_at'),
    /** Why staff suspended the user (src/core/users/suspension.ts); null when active or suspended without a reason. */
    suspensionReason: text('suspension_reason'),
    /** When the suspension ends by itself (the expiry sweeper lifts it); null: until staff lift it. */
    suspendedUntil: timestampMs('suspended_until'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    uniqueIndex('users_external_id_key').on(t.externalId),
    // One per sort of the users list (src/core/users/sort.ts): (key, id) read forwards or backwards serves both
    // directions. Never-active users sort as the epoch, so the last-active key is never null and keysets compare.
    index('users_name_id_idx').on(t.name, t.id),
    index('users_email_id_idx').on(t.email, t.id),
    index('users_last_active_id_idx').on(sql`coalesce(${t.lastActiveAt}, 'epoch'::timestamptz)`, t.id),
    // Matches the list's ORDER BY created_at DESC, id DESC exactly, so pages are read off the index in order.
    // NULLS FIRST is PostgreSQL's default for DESC, but Drizzle's is NULLS LAST: without it the index cannot serve that
    // ORDER BY (every page was a sequential scan and a sort of the whole table).
    index('users_created_at_id_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // The expiry sweeper's scan: only suspensions with an end date.
    index('users_suspended_until_idx').on(t.suspendedUntil).where(sql`${t.suspendedUntil} is not null`),
    // Trigram indexes make the console's substring search (ILIKE '%q%') an index scan, not a sequential scan.
    index('users_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('users_email_trgm_idx').using('gin', sql`${t.email} gin_trgm_ops`),
    uniqueIndex('users_stripe_customer_id_key').on(t.stripeCustomerId),
  ],
);

/**
 * The audit trail and the event log in one: every committed change is a row, written in the transaction that made
 * the change. `position` is its place in the log, assigned at commit: a deferred trigger (migration 0004) numbers
 * the transaction's events under a lock held until the commit is visible, so positions become visible in order
 * (a reader past position 41 never sees a 40 commit later), then sends NOTIFY roster_events '<position>'.
 * It is null only inside the writing transaction.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey(),
    position: bigint('position', { mode: 'number' }),
    actor: text('actor').notNull(),
    door: auditDoor('door').notNull(),
    action: text('action').notNull(),
    /** What the event is about: a user, an API key, a webhook event; null for events about many (a seed). */
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    changes: jsonb('changes').$type<AuditChanges>().notNull(),
    /** The subject as a public DTO at the time of the event (never secrets, hashes or key material). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The organization the event is about, when there is one: what `organizationId` filters on. No foreign key: the
     * log outlives what it tells of (an organization's `organization.deleted` event keeps naming it).
     */
    organizationId: uuid('organization_id'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('audit_events_position_key').on(t.position),
    index('audit_events_organization_idx').on(t.organizationId, t.position).where(sql`${t.organizationId} IS NOT NULL`),
    index('audit_events_subject_idx').on(t.subjectId, t.createdAt),
    index('audit_events_created_at_idx').on(t.createdAt),
    // The overview counts one kind of event per day (failed sign-ins): a range scan, not a filter over every event.
    index('audit_events_action_created_at_idx').on(t.action, t.createdAt),
  ],
);

/** How far retention has pruned the event log: positions up to this one are gone. At most one row. */
export const eventLogHorizon = pgTable('event_log_horizon', {
  id: integer('id').primaryKey().default(1),
  prunedThrough: bigint('pruned_through', { mode: 'number' }).notNull(),
  prunedAt: timestampMs('pruned_at').notNull().defaultNow(),
});

export const webhookEventStatus = pgEnum('webhook_event_status', ['pending', 'processed', 'ignored', 'failed']);

/**
 * Every verified Stripe event, stored before it is acknowledged (the Stripe event id is the key, so a
 * redelivery is a no-op) and processed afterwards: by the request's after() or by the sweeper.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** Stripe's `created` for the event: the order in which Stripe's state changed. */
    stripeCreatedAt: timestampMs('stripe_created_at').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: webhookEventStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestampMs('next_attempt_at').notNull().defaultNow(),
    receivedAt: timestampMs('received_at').notNull().defaultNow(),
    processedAt: timestampMs('processed_at'),
  },
  (t) => [
    index('webhook_events_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_events_received_idx').on(t.receivedAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
  ],
);

/**
 * The newest event applied to each Stripe object (a subscription). Stripe does not deliver in order: an
 * event older than this one never overwrites newer state, and a deleted object stays deleted.
 */
export const stripeObjectVersions = pgTable('stripe_object_versions', {
  objectId: text('object_id').primaryKey(),
  lastEventCreatedAt: timestampMs('last_event_created_at').notNull(),
  /** Breaks ties within Stripe's one-second `created` resolution (created < updated < deleted). */
  lastEventType: text('last_event_type').notNull(),
  lastEventId: text('last_event_id').notNull(),
  deleted: boolean('deleted').notNull().default(false),
});

// Better Auth's tables (sessions, linked accounts and password hashes, one-time verifications, JWT signing keys).
// Column names follow Roster's snake_case; the adapter maps Better Auth's field names to these properties.

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    token: text('token').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestampMs('expires_at').notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    /** Signed in with a passkey and user verification (a PIN or biometric): two factors, so ROSTER_REQUIRE_2FA_FOR holds. */
    passkeyVerified: boolean('passkey_verified').notNull().default(false),
    /** Set on a session an admin runs as this user (src/core/impersonation): which impersonation, and who started it. */
    impersonationId: uuid('impersonation_id').references(() => impersonations.id, { onDelete: 'cascade' }),
    impersonatedBy: uuid('impersonated_by').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

/**
 * An admin acting as a user, with the reason given. Hard limit at `expiresAt` (start + 60 minutes, never extended);
 * `endedAt` is set once, by Stop or by the sweeper at expiry. `adminSessionId` is the admin's own session, which
 * Stop returns to (a reference, never its token).
 */
export const impersonations = pgTable(
  'impersonations',
  {
    id: uuid('id').primaryKey(),
    adminId: uuid('admin_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    adminSessionId: text('admin_session_id').notNull(),
    reason: text('reason').notNull(),
    ticket: text('ticket'),
    startedAt: timestampMs('started_at').notNull(),
    expiresAt: timestampMs('expires_at').notNull(),
    endedAt: timestampMs('ended_at'),
    endReason: text('end_reason'),
  },
  (t) => [index('impersonations_open_idx').on(t.expiresAt).where(sql`${t.endedAt} IS NULL`)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestampMs('access_token_expires_at'),
    refreshTokenExpiresAt: timestampMs('refresh_token_expires_at'),
    scope: text('scope'),
    password: text('password'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [index('accounts_user_id_idx').on(t.userId), uniqueIndex('accounts_provider_account_key').on(t.providerId, t.accountId)],
);

// The joins Better Auth makes (advanced.database.joins): a session or a linked account with its user, a user with
// their accounts, each in one query instead of one per table. The keys are the ones @better-auth/drizzle-adapter
// derives from our plural model names: the joined model's name for one, that name plus "s" for many.
export const sessionRelations = relations(sessions, ({ one }) => ({ users: one(users, { fields: [sessions.userId], references: [users.id] }) }));
export const accountRelations = relations(accounts, ({ one }) => ({ users: one(users, { fields: [accounts.userId], references: [users.id] }) }));
export const userRelations = relations(users, ({ many }) => ({ accountss: many(accounts) }));

export const verifications = pgTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestampMs('expires_at').notNull(),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [index('verifications_identifier_idx').on(t.identifier)],
);

/**
 * WebAuthn credentials (passkeys), registered and checked through SimpleWebAuthn (src/auth/passkeys.ts). The public
 * key only: the private key never leaves the authenticator. Their challenges are rows of `verifications`.
 */
export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The credential id, base64url, as the authenticator reports it in every assertion. */
    credentialId: text('credential_id').notNull().unique(),
    /** COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    /** The signature counter last seen; synced passkeys always report 0. */
    counter: bigint('counter', { mode: 'number' }).notNull().default(0),
    /** `singleDevice` or `multiDevice` (synced), and whether it is backed up now. */
    deviceType: text('device_type').notNull(),
    backedUp: boolean('backed_up').notNull().default(false),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    aaguid: text('aaguid'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    lastUsedAt: timestampMs('last_used_at'),
  },
  (t) => [index('passkeys_user_id_idx').on(t.userId)],
);

export const jwks = pgTable('jwks', {
  id: text('id').primaryKey(),
  publicKey: text('public_key').notNull(),
  privateKey: text('private_key').notNull(),
  alg: text('alg'),
  crv: text('crv'),
  createdAt: timestampMs('created_at').notNull().defaultNow(),
  expiresAt: timestampMs('expires_at'),
});

export const apiKeyScope = pgEnum('api_key_scope', ['users:read', 'users:write', 'events:read', 'webhooks:write', 'organizations:read', 'organizations:write']);

/** Integration credentials. Only a SHA-256 hash of the secret is stored; the secret is shown once. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    /** The secret's first characters, so people can tell their keys apart; not enough to use it. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull().unique(),
    scopes: apiKeyScope('scopes').array().notNull(),
    /** Who created it; a key stops working while its creator is suspended. Null for keys made by the CLI. */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /**
     * The organization that owns it, if any: such a key acts only inside that organization (migration 0011), and goes
     * with it when it is deleted.
     */
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    expiresAt: timestampMs('expires_at'),
    lastUsedAt: timestampMs('last_used_at'),
    revokedAt: timestampMs('revoked_at'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (t) => [index('api_keys_created_at_idx').on(t.createdAt), index('api_keys_organization_idx').on(t.organizationId, t.createdAt).where(sql`${t.organizationId} IS NOT NULL`)],
);

/**
 * Where Roster tells integrations about events (Standard Webhooks). The signing secret is stored encrypted; after a
 * rotation the previous one keeps signing alongside the new one until `previousSecretExpiresAt`.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Event types delivered, or ['*'] for all of them. */
    eventTypes: text('event_types').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Why it is disabled: 'manual', 'gone' (the receiver answered 410), 'failing' (every attempt failed for 5 days) or 'creator-lost-access'. */
    disabledReason: text('disabled_reason'),
    secretEncrypted: text('secret_encrypted').notNull(),
    previousSecretEncrypted: text('previous_secret_encrypted'),
    previousSecretExpiresAt: timestampMs('previous_secret_expires_at'),
    /** The log's position when the endpoint was made: it is told only of events after it. */
    startsAfterPosition: bigint('starts_after_position', { mode: 'number' }).notNull(),
    /** When the current run of failed attempts began; null while deliveries succeed. */
    failingSince: timestampMs('failing_since'),
    /**
     * Who made it: a user, or an API key (`createdByApiKeyId`; null `createdBy` then). An endpoint is worth no more
     * than the right that created it: it is disabled when that user loses `webhooks:write` or that key is revoked.
     */
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdByApiKeyId: uuid('created_by_api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    /** The organization that owns it, if any: it is sent only that organization's events, and goes with it. */
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    version: integer('version').notNull().default(1),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_endpoints_created_at_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('webhook_endpoints_organization_idx').on(t.organizationId).where(sql`${t.organizationId} IS NOT NULL`),
  ],
);

export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', ['pending', 'succeeded', 'failed']);

/**
 * One event for one endpoint, recorded from the event log (so nothing is lost between a commit and the send) and
 * attempted until it succeeds or the schedule runs out. `payload` is the exact body of every attempt. A process
 * holds a delivery while it sends it (`leaseToken` until `leaseExpiresAt`), so no two send the same attempt.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The event's id: the `webhook-id` header, the same on every attempt. */
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: text('payload').notNull(),
    status: webhookDeliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestampMs('next_attempt_at').notNull().defaultNow(),
    leaseToken: uuid('lease_token'),
    leaseExpiresAt: timestampMs('lease_expires_at'),
    lastAttemptAt: timestampMs('last_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastLatencyMs: integer('last_latency_ms'),
    /** The first KB of the receiver's last answer, or why there was none. */
    lastResponse: text('last_response'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_key').on(t.endpointId, t.eventId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_created_idx').on(t.endpointId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // Retention purges by age across every endpoint.
    index('webhook_deliveries_created_at_idx').on(t.createdAt),
  ],
);

/** How far the event log has been turned into deliveries. One row. */
export const webhookDispatchCursor = pgTable('webhook_dispatch_cursor', {
  id: integer('id').primaryKey().default(1),
  position: bigint('position', { mode: 'number' }).notNull(),
});
/** Better Auth's two-factor plugin: the TOTP secret and recovery codes, both encrypted with the auth secret. */
export const twoFactors = pgTable(
  'two_factors',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .unique()
      .references(() => users.id, { onDelete: 'cascade' }),
    secret: text('secret').notNull(),
    backupCodes: text('backup_codes').notNull(),
    /** False while an enrolment waits for its confirming code. */
    verified: boolean('verified').notNull().default(true),
    failedVerificationCount: integer('failed_verification_count').notNull().default(0),
    lockedUntil: timestampMs('locked_until'),
    /** Roster's replay guard: the newest TOTP time step accepted; a code for it or an older one is refused. */
    lastAcceptedStep: integer('last_accepted_step'),
  },
);

export const mailKind = pgEnum('mail_kind', ['invitation', 'password-reset', 'email-verification', 'email-change', 'email-changed']);
/** `kept`: no SMTP server is configured, so the message stays here for owners to read in the console. */
export const mailStatus = pgEnum('mail_status', ['pending', 'sent', 'failed', 'kept']);

/**
 * The outbox: every email, written in the same transaction as the change that causes it and sent afterwards by
 * the mailer (src/server/mailer.ts). Bodies are cleared once sent, so the links they carry don't linger.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey(),
    kind: mailKind('kind').notNull(),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    status: mailStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestampMs('next_attempt_at').notNull().defaultNow(),
    /** A mailer sending this message holds it (`leaseToken` until `leaseExpiresAt`) outside any transaction. */
    leaseToken: uuid('lease_token'),
    leaseExpiresAt: timestampMs('lease_expires_at'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    sentAt: timestampMs('sent_at'),
  },
  (t) => [
    index('mail_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('mail_outbox_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // The overview's count of failed messages reads this (few rows), not the whole outbox.
    index('mail_outbox_failed_idx').on(t.createdAt).where(sql`${t.status} = 'failed'`),
  ],
);

/** A role inside one organization (defined before `invitations`, which names it too). */
export const orgRole = pgEnum('org_role', ['owner', 'admin', 'member']);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    role: userRole('role').notNull(),
    /** SHA-256 of the link's token; the token itself is only ever in the email. */
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestampMs('expires_at').notNull(),
    acceptedAt: timestampMs('accepted_at'),
    acceptedUserId: uuid('accepted_user_id').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestampMs('revoked_at'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    /**
     * Set for an invitation into an organization (with the role there; `role` is then the account's global role if
     * the invitee has none yet). Its invitations go with the organization.
     */
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    organizationRole: orgRole('organization_role'),
  },
  (t) => [
    // One open invitation to Roster per address: resending replaces its token rather than adding another.
    uniqueIndex('invitations_pending_email_key').on(sql`lower(${t.email})`).where(sql`${t.acceptedAt} IS NULL AND ${t.revokedAt} IS NULL AND ${t.organizationId} IS NULL`),
    // And one open invitation per address into each organization.
    uniqueIndex('invitations_pending_org_email_key').on(t.organizationId, sql`lower(${t.email})`).where(sql`${t.acceptedAt} IS NULL AND ${t.revokedAt} IS NULL AND ${t.organizationId} IS NOT NULL`),
    index('invitations_created_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    // An organization's invitation list, keyset by (created_at, id) newest first.
    index('invitations_org_created_idx').on(t.organizationId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()).where(sql`${t.organizationId} IS NOT NULL`),
    check('invitations_organization_role_check', sql`(${t.organizationId} IS NULL) = (${t.organizationRole} IS NULL)`),
  ],
);

export const accountTokenPurpose = pgEnum('account_token_purpose', ['password-reset', 'email-verification', 'email-change']);

/** Single-use links sent to a user's address (reset, verification, change of email), stored as SHA-256 hashes. */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: uuid('id').primaryKey(),
    purpose: accountTokenPurpose('purpose').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    /** The address the link was sent to: for a change of email, the one that becomes the user's once confirmed. */
    address: text('address').notNull(),
    expiresAt: timestampMs('expires_at').notNull(),
    usedAt: timestampMs('used_at'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (t) => [index('account_tokens_user_idx').on(t.userId, t.purpose), index('account_tokens_expires_at_idx').on(t.expiresAt)],
);

/**
 * A user as an external JWT issuer (ROSTER_JWT_ISSUER) names them: its `sub`, stored the first time a token with a
 * verified email matched the user, and the only way that issuer's later tokens map to them.
 */
export const externalIdentities = pgTable(
  'external_identities',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] }), uniqueIndex('external_identities_issuer_user_key').on(t.issuer, t.userId)],
);

/**
 * Responses to POSTs sent with an `Idempotency-Key`, kept 24 hours: a retry with the same key and the same
 * payload gets this response again instead of a second creation. Written in the transaction of the change.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** Who sent it (`api-key:<id>`, `user:<id>`): a key means nothing to another credential. */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of method, path and payload: the same key with another request is refused, not replayed. */
    fingerprint: text('fingerprint').notNull(),
    status: integer('status').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    body: text('body').notNull(),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    expiresAt: timestampMs('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_expires_at_idx').on(t.expiresAt)],
);

/**
 * A customer's company: the tenant. Its plan is text like users' plans (billing names it). `metadata` is the
 * product's own JSON (at most 8 KB, checked by the core).
 */
export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    plan: text('plan').notNull().default('free'),
    /** Set by a Stripe checkout whose client_reference_id is `org_<id>` (src/core/billing). */
    stripeCustomerId: text('stripe_customer_id'),
    subscriptionStatus: text('subscription_status'),
    version: integer('version').notNull().default(1),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('organizations_slug_key').on(t.slug),
    uniqueIndex('organizations_stripe_customer_id_key').on(t.stripeCustomerId),
    index('organizations_created_at_id_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('organizations_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('organizations_slug_trgm_idx').using('gin', sql`${t.slug} gin_trgm_ops`),
  ],
);

/**
 * Who belongs to an organization, with which role. Every organization keeps at least one owner: a trigger
 * (migration 0009) refuses to demote or remove the last one while the organization exists.
 */
export const organizationMembers = pgTable(
  'organization_members',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: orgRole('role').notNull(),
    /**
     * Set while the membership is suspended (a SCIM `active: false`): the member acts nowhere in the organization,
     * and a user whose every membership is suspended and who holds no staff role can't sign in.
     */
    suspendedAt: timestampMs('suspended_at'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    index('organization_members_user_id_idx').on(t.userId),
    // The member list's keyset order inside one organization.
    index('organization_members_org_created_idx').on(t.organizationId, t.createdAt, t.userId),
  ],
);

export const scimPasswordSetup = pgEnum('scim_password_setup', ['none', 'invitation']);

/**
 * A SCIM 2.0 connection: how one identity provider (Okta, Entra) provisions one organization. Its tokens alone say
 * which connection, hence which organization, a SCIM request speaks for. `passwordSetup`: whether users it provisions
 * get an email to set a password (`invitation`) or sign in only through the organization's identity provider (`none`).
 */
export const scimConnections = pgTable(
  'scim_connections',
  {
    id: uuid('id').primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    passwordSetup: scimPasswordSetup('password_setup').notNull().default('none'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    revokedAt: timestampMs('revoked_at'),
  },
  (t) => [index('scim_connections_organization_idx').on(t.organizationId, t.createdAt)],
);

/**
 * A connection's bearer tokens. Only a SHA-256 hash of the secret is stored; the secret is shown once. A rotation
 * gives the superseded token an `expiresAt` (the overlap), so two tokens work at once while the IdP is reconfigured.
 */
export const scimTokens = pgTable(
  'scim_tokens',
  {
    id: uuid('id').primaryKey(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => scimConnections.id, { onDelete: 'cascade' }),
    secretHash: text('secret_hash').notNull().unique(),
    /** The secret's first characters, so people can tell tokens apart; not enough to use it. */
    prefix: text('prefix').notNull(),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    expiresAt: timestampMs('expires_at'),
    lastUsedAt: timestampMs('last_used_at'),
    revokedAt: timestampMs('revoked_at'),
  },
  (t) => [index('scim_tokens_connection_idx').on(t.connectionId, t.createdAt)],
);

/**
 * The request journal: one row per authenticated SCIM request, so an IT admin sees why a push failed. Values are
 * never stored, only attribute names (`summary`). The last 1,000 per connection are kept (pruned on insert).
 */
export const scimRequests = pgTable(
  'scim_requests',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => scimConnections.id, { onDelete: 'cascade' }),
    at: timestampMs('at').notNull().defaultNow(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    summary: text('summary').notNull(),
    status: integer('status').notNull(),
    scimType: text('scim_type'),
    latencyMs: integer('latency_ms').notNull(),
  },
  (t) => [index('scim_requests_connection_idx').on(t.connectionId, t.id)],
);

/**
 * A member as an identity provider provisioned them over SCIM (src/core/scim/users.ts): the SCIM attributes Roster
 * keeps beside the user and the membership. The SCIM id is the Roster user's id; every lookup also filters on the
 * organization, so another organization's token finds nothing. `userName` is unique per organization ignoring case,
 * `externalId` unique per organization. The row goes with the membership (DELETE /Users/{id}) or the organization.
 */
export const scimUsers = pgTable(
  'scim_users',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The connection that provisioned them (no foreign key: the row outlives a revoked connection). */
    connectionId: uuid('connection_id').notNull(),
    userName: text('user_name').notNull(),
    externalId: text('external_id'),
    givenName: text('given_name'),
    familyName: text('family_name'),
    displayName: text('display_name'),
    employeeNumber: text('employee_number'),
    department: text('department'),
    managerId: text('manager_id'),
    /** The organization role they hold by themselves; groups may raise it (organization_members.role is the effective one). */
    ownRole: orgRole('own_role').notNull().default('member'),
    version: integer('version').notNull().default(1),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    uniqueIndex('scim_users_org_user_name_key').on(t.organizationId, sql`lower(${t.userName})`),
    uniqueIndex('scim_users_org_external_id_key').on(t.organizationId, t.externalId),
    index('scim_users_user_id_idx').on(t.userId),
    // The list's order (startIndex pages) inside one organization.
    index('scim_users_org_created_idx').on(t.organizationId, t.createdAt, t.userId),
  ],
);

/**
 * A group pushed by an identity provider, inside one organization. `role`, when set, is an organization role its
 * members hold at least (admin or member; never owner): their effective role is the highest of theirs and their groups'.
 */
export const scimGroups = pgTable(
  'scim_groups',
  {
    id: uuid('id').primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    displayName: text('display_name').notNull(),
    externalId: text('external_id'),
    role: orgRole('role'),
    version: integer('version').notNull().default(1),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('scim_groups_org_display_name_key').on(t.organizationId, sql`lower(${t.displayName})`),
    index('scim_groups_org_created_idx').on(t.organizationId, t.createdAt, t.id),
    check('scim_groups_role_check', sql`${t.role} IS NULL OR ${t.role} <> 'owner'`),
  ],
);

export const scimGroupMembers = pgTable(
  'scim_group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => scimGroups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('scim_group_members_user_id_idx').on(t.userId)],
);

export const jobStatus = pgEnum('job_status', ['queued', 'running', 'succeeded', 'failed', 'canceled']);

/**
 * Long work in the background (src/core/jobs): bulk actions, imports. A runner on any instance holds a job while it
 * works on it (`leaseToken` until `leaseExpiresAt`, renewed with every chunk) and resumes from `cursor`, which commits
 * in the same transaction as the chunk's items, so a restart neither skips nor repeats one. `params` and `cursor` are
 * the kind's own JSON and never hold secrets; `principal` is who started it (what every item acts as).
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind').notNull(),
    status: jobStatus('status').notNull().default('queued'),
    /** How many items there are, once known (null until then: a streamed import counts as it goes). */
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    succeeded: integer('succeeded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    /** Every item error counted; only the first few thousand are kept in job_errors (see the core's cap). */
    errorCount: integer('error_count').notNull().default(0),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    cursor: jsonb('cursor').$type<unknown>(),
    /** The audit trail's name for who started it (`user:<id>`, `api-key:<id>`, ...): who may read it besides staff. */
    createdBy: text('created_by').notNull(),
    principal: jsonb('principal').$type<Record<string, unknown>>().notNull(),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    leaseToken: uuid('lease_token'),
    leaseExpiresAt: timestampMs('lease_expires_at'),
    /** Chunks that failed in a row (not items: a chunk that could not commit); the job fails after a few. */
    attempts: integer('attempts').notNull().default(0),
    /** Why the job itself failed (never an item's error: those are in job_errors). */
    failure: text('failure'),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
    startedAt: timestampMs('started_at'),
    finishedAt: timestampMs('finished_at'),
  },
  (t) => [
    index('jobs_claimable_idx').on(t.createdAt).where(sql`${t.status} in ('queued', 'running')`),
    index('jobs_created_at_idx').on(t.createdAt),
  ],
);

/** An item a job could not apply: by input line (imports) or by user (bulk actions). Bounded per job by the core. */
export const jobErrors = pgTable(
  'job_errors',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    /** Its order within the job: what pages of errors follow. */
    seq: integer('seq').notNull(),
    line: integer('line'),
    userId: uuid('user_id'),
    field: text('field'),
    code: text('code').notNull(),
    detail: text('detail').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

/** rate-limiter-flexible's PostgreSQL store (its own layout: key, points, expire in epoch ms), used with DATABASE_URL. */
export const rateLimitsTable = 'rate_limits';
export const rateLimits = pgTable(rateLimitsTable, {
  key: varchar('key', { length: 255 }).primaryKey(),
  points: integer('points').notNull().default(0),
  expire: bigint('expire', { mode: 'number' }),
});

export type AuditChanges = Record<string, { before: unknown; after: unknown }>;
export type UserRow = typeof users.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ImpersonationRow = typeof impersonations.$inferSelect;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type MailRow = typeof mailOutbox.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;
export type AccountTokenRow = typeof accountTokens.$inferSelect;
export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;
export type OrganizationRow = typeof organizations.$inferSelect;
export type OrganizationMemberRow = typeof organizationMembers.$inferSelect;
export type ScimConnectionRow = typeof scimConnections.$inferSelect;
export type ScimTokenRow = typeof scimTokens.$inferSelect;
export type ScimRequestRow = typeof scimRequests.$inferSelect;
export type ExternalIdentityRow = typeof externalIdentities.$inferSelect;
export type ScimUserRow = typeof scimUsers.$inferSelect;
export type ScimGroupRow = typeof scimGroups.$inferSelect;
export type JobRow = typeof jobs.$inferSelect;
export type JobErrorRow = typeof jobErrors.$inferSelect;

/**
 * An upload's rows (POST /api/v1/users/import), staged by the request that reads it, before its job exists: the job
 * then runs on any instance and resumes after a restart from the last committed line. A row that failed to parse or
 * validate is staged with its errors, so the job reports it in order. The job deletes its rows when it finishes.
 */
export const importRows = pgTable(
  'import_rows',
  {
    uploadId: uuid('upload_id').notNull(),
    line: integer('line').notNull(),
    record: jsonb('record').$type<Record<string, unknown>>(),
    errors: jsonb('errors').$type<{ field?: string; code: string; detail: string }[]>(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.line] })],
);

/**
 * Who used Roster on which (UTC) day: at most one row per user per day, written on sign-in, session refresh and API
 * use (src/core/metrics/activity.ts). Daily, weekly and monthly active users are counted from it, never from
 * `lastSignedIn`-style columns that only keep the latest visit.
 */
export const userActivityDays = pgTable(
  'user_activity_days',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), index('user_activity_days_day_user_idx').on(t.day, t.userId)],
);

/**
 * The overview's daily figures, one row per UTC day, rolled up by a periodic job (src/server/metrics-rollup.ts) so
 * the page reads at most 90 rows however many users and events there are. Today's row is refreshed by every pass.
 */
export const metricsDaily = pgTable('metrics_daily', {
  day: date('day', { mode: 'string' }).primaryKey(),
  signUps: integer('sign_ups').notNull(),
  activeUsers: integer('active_users').notNull(),
  weeklyActiveUsers: integer('weekly_active_users').notNull(),
  monthlyActiveUsers: integer('monthly_active_users').notNull(),
  failedSignIns: integer('failed_sign_ins').notNull(),
  computedAt: timestampMs('computed_at').notNull(),
});

/** The overview's totals as of the rollup's last pass (counting a million users per page view would not be cheap). At most one row. */
export const metricsTotals = pgTable('metrics_totals', {
  id: integer('id').primaryKey().default(1),
  users: integer('users').notNull(),
  organizations: integer('organizations').notNull(),
  activeSessions: integer('active_sessions').notNull(),
  usersPerPlan: jsonb('users_per_plan').$type<Record<string, number>>().notNull(),
  computedAt: timestampMs('computed_at').notNull(),
});
