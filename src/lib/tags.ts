/** Cache tags shared by the console's cached reads and by every door that writes. */
export const usersTag = 'users';
export const userTag = (id: string) => `user:${id}`;

/** Every tag a write to this user makes stale. */
export const tagsForUserWrite = (id: string) => [usersTag, userTag(id)];
