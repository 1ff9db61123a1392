import 'server-only';
import { updateTag } from 'next/cache';
import { tagsForMemberWrite, tagsForOrganizationWrite, tagsForUserWrite } from '@/lib/tags';

/** Read-your-own-writes after a console action: the next read of this user's views waits for fresh data. */
export function expireUserViews(userId: string): void {
  for (const tag of tagsForUserWrite(userId)) updateTag(tag);
}

/** The same for an organization's views (the list, its page). */
export function expireOrganizationViews(organizationId: string): void {
  for (const tag of tagsForOrganizationWrite(organizationId)) updateTag(tag);
}

/** The same after a membership change: the organization's views and the member's page. */
export function expireMemberViews(organizationId: string, userId: string): void {
  for (const tag of tagsForMemberWrite(organizationId, userId)) updateTag(tag);
}
