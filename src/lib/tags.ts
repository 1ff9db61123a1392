/** Cache tags shared by the console's cached reads and by every door that writes. */
export const usersTag = 'users';
export const userTag = (id: string) => `user:${id}`;
/** The console's list of received Stripe webhook events. */
export const webhooksTag = 'webhooks';
/** Organizations: the list, and one organization with its members. */
export const organizationsTag = 'organizations';
export const organizationTag = (id: string) => `organization:${id}`;
export const tagsForOrganizationWrite = (id: string) => [organizationsTag, organizationTag(id)];

/** Every tag a write to this user makes stale. */
export const tagsForUserWrite = (id: string) => [usersTag, userTag(id)];

/** A membership change: the organization's views (members, counts) and the user's page, which lists their organizations. */
export const tagsForMemberWrite = (organizationId: string, userId: string) => [...tagsForOrganizationWrite(organizationId), userTag(userId)];

/**
 * The tags an event makes stale: what every instance expires when it hears of the event (src/server/cache-tags.ts),
 * the same tags the writing request expires itself. An event about an organization (`organizationId`) also makes
 * that organization's views stale, whatever its subject (a member.* event's subject is the user, whose page lists
 * their organizations).
 */
export function tagsForEvent(subject: { type: string; id: string } | null, organizationId?: string | null): string[] {
  const tags = organizationId ? tagsForOrganizationWrite(organizationId) : [];
  if (subject?.type === 'user') tags.push(...tagsForUserWrite(subject.id));
  if (subject?.type === 'webhook-event') tags.push(webhooksTag);
  if (subject?.type === 'organization') tags.push(...tagsForOrganizationWrite(subject.id));
  return [...new Set(tags)];
}

/**
 * How long (seconds) a cached console read may serve data that no tag expired. Every committed event expires its
 * tags on every instance within the event feed's latency, so this only bounds what no event announced (a write
 * straight into the database, or a feed that lost its connection and hasn't caught up yet).
 */
export const consoleRevalidateSeconds = 60;
