/** Cache tags shared by the console's cached reads and by every door that writes. */
export const usersTag = 'users';
export const userTag = (id: string) => `user:${id}`;
/** The console's list of received Stripe webhook events. */
export const webhooksTag = 'webhooks';

/** Every tag a write to this user makes stale. */
export const tagsForUserWrite = (id: string) => [usersTag, userTag(id)];

/**
 * How long (seconds) a cached console read may serve data that no tag expired: writes that bypass this process
 * (another instance, the CLI on PostgreSQL, the webhook sweeper) show up within this bound.
 */
export const consoleRevalidateSeconds = 60;
