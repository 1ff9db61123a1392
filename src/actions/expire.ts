import 'server-only';
import { updateTag } from 'next/cache';
import { tagsForOrganizationWrite, tagsForUserWrite } from '@/lib/tags';

/** Read-your-own-writes after a console action: the next read of this user's views waits for fresh data. */
export function expireUserViews(userId: string): void {
  for (const tag of tagsForUserWrite(userId)) updateTag(tag);
}

/** The same for an organization's views (its page, the organizations list). */
export function expireOrganizationViews(organizationId: string): void {
  for (const tag of tagsForOrganizationWrite(organizationId)) updateTag(tag);
}
